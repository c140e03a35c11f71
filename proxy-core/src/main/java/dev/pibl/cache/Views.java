package dev.pibl.cache;

import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpHeadersFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/** Netty headers seen as the cache core's {@link HeaderView}. Stateless; used on event loops. */
final class Views {

    /** Headers built from stored, already validated fields: no need to validate them again per hit. */
    private static final HttpHeadersFactory TRUSTED = DefaultHttpHeadersFactory.headersFactory()
            .withNameValidation(false).withValueValidation(false);

    private Views() {
    }

    static HttpHeadersFactory headersFactory() {
        return TRUSTED;
    }

    /** A live view of {@code headers}: it sees later changes. */
    static HeaderView of(HttpHeaders headers) {
        return new HeaderView() {
            @Override
            public String get(String name) {
                return headers.get(name);
            }

            @Override
            public List<String> getAll(String name) {
                return headers.getAll(name);
            }

            @Override
            public void forEach(BiConsumer<String, String> action) {
                for (Map.Entry<String, String> e : headers) {
                    action.accept(e.getKey(), e.getValue());
                }
            }
        };
    }

    /** A snapshot of {@code headers}, unaffected by what later stages do to them. */
    static HeaderView copyOf(HttpHeaders headers) {
        List<Header> fields = new ArrayList<>(headers.size());
        for (Map.Entry<String, String> e : headers) {
            fields.add(new Header(e.getKey(), e.getValue()));
        }
        return HeaderView.of(fields);
    }
}
