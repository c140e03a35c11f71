package dev.pibl.app.demo;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.net.URI;

/**
 * One demo node on an ephemeral port for a whole test class, closed afterwards, with a leak check
 * once it is closed (by the auto-registered LeakCheckExtension). Register as {@code @RegisterExtension static final DemoNode node = new DemoNode();}.
 */
final class DemoNode implements BeforeAllCallback, AfterAllCallback {

    private DemoBackendGroup group;

    @Override
    public void beforeAll(ExtensionContext context) {
        group = DemoBackend.startAll("127.0.0.1", 0, 1, 1);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        group.close();
    }

    DemoBackend backend() {
        return group.backends().get(0);
    }

    int port() {
        return backend().port();
    }

    URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + port() + pathAndQuery);
    }

    RawHttp connect() {
        return new RawHttp(port());
    }
}
