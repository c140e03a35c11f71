package dev.pibl.app.simulate;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.FullHttpRequest;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** The requests a planned client sends: its User-Agent or none, X-Forwarded-For when forwarded, a form body. */
class SimulationRequestsTest {

    private static final long END = 1_000_000_000L;

    @Test
    void browserPageCarriesItsUserAgentAndAcceptsHtml() {
        ClientPlan browser = new ClientPlan(0, ClientKind.BROWSER, "127.1.0.1", null, "Mozilla/5.0 (X11)", 6, 0.3, 1, 1, END);

        FullHttpRequest request = build(browser, new PlannedRequest(0, "GET", "/page/3", null));
        try {
            assertThat(request.method().name()).isEqualTo("GET");
            assertThat(request.uri()).isEqualTo("/page/3");
            assertThat(request.headers().get("host")).isEqualTo("127.0.0.1:8080");
            assertThat(request.headers().get("user-agent")).isEqualTo("Mozilla/5.0 (X11)");
            assertThat(request.headers().get("accept")).startsWith("text/html");
            assertThat(request.headers().contains("x-forwarded-for")).isFalse();
            assertThat(request.headers().contains("content-length")).isFalse();
        } finally {
            request.release();
        }
    }

    @Test
    void flooderWithoutUserAgentSendsNone() {
        ClientPlan flooder = new ClientPlan(0, ClientKind.FLOODER, "127.1.0.1", null, null, 2, 300, 1, 1, END);

        FullHttpRequest request = build(flooder, new PlannedRequest(0, "GET", "/", null));
        try {
            assertThat(request.headers().contains("user-agent")).isFalse();
            assertThat(request.headers().get("accept")).isEqualTo("*/*");
        } finally {
            request.release();
        }
    }

    @Test
    void forwardedClientNamesItselfInXForwardedFor() {
        ClientPlan api = new ClientPlan(0, ClientKind.API, "127.0.0.1", "10.1.0.7", "okhttp/4.12.0", 1, 1, 1, 1, END);

        FullHttpRequest request = build(api, new PlannedRequest(0, "GET", "/api/profile", null));
        try {
            assertThat(request.headers().getAll("x-forwarded-for")).containsExactly("10.1.0.7");
            assertThat(request.headers().get("accept")).isEqualTo("application/json");
        } finally {
            request.release();
        }
    }

    @Test
    void stufferPostsAFormWithItsLength() {
        ClientPlan stuffer = new ClientPlan(0, ClientKind.STUFFER, "127.1.0.1", null, "python-requests/2.31.0", 1, 7, 1, 1,
                END);
        String form = "username=user1%40example.com&password=letmein";

        FullHttpRequest request = build(stuffer, new PlannedRequest(0, "POST", "/login", form));
        try {
            assertThat(request.method().name()).isEqualTo("POST");
            assertThat(request.headers().get("content-type")).isEqualTo("application/x-www-form-urlencoded");
            assertThat(request.headers().getInt("content-length")).isEqualTo(form.length());
            assertThat(request.content().toString(StandardCharsets.UTF_8)).isEqualTo(form);
        } finally {
            request.release();
        }
    }

    private static FullHttpRequest build(ClientPlan client, PlannedRequest planned) {
        return Requests.build(client, planned, "127.0.0.1:8080", ByteBufAllocator.DEFAULT);
    }
}
