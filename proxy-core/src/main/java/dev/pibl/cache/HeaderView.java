package dev.pibl.cache;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * A read-only view of one header block, so the cache core can read requests and responses
 * without knowing Netty. Names compare case-insensitively; values are as received. An
 * implementation is read by the thread that made it.
 */
public interface HeaderView {

    /** The first value of the field, or {@code null}. */
    String get(String name);

    /** Every value of the field in order, one per field line (comma lists are not split). */
    List<String> getAll(String name);

    /** Every field line, in order. */
    void forEach(BiConsumer<String, String> action);

    /** A view over a stored list of fields. */
    static HeaderView of(List<Header> headers) {
        return new HeaderView() {
            @Override
            public String get(String name) {
                for (Header h : headers) {
                    if (h.name().equalsIgnoreCase(name)) {
                        return h.value();
                    }
                }
                return null;
            }

            @Override
            public List<String> getAll(String name) {
                List<String> values = new ArrayList<>(1);
                for (Header h : headers) {
                    if (h.name().equalsIgnoreCase(name)) {
                        values.add(h.value());
                    }
                }
                return values;
            }

            @Override
            public void forEach(BiConsumer<String, String> action) {
                for (Header h : headers) {
                    action.accept(h.name(), h.value());
                }
            }
        };
    }
}
