package dev.pibl.cache;

import static java.util.Objects.requireNonNull;

/** One header field line, name as received. Immutable. */
public record Header(String name, String value) {

    public Header {
        requireNonNull(name, "name");
        requireNonNull(value, "value");
    }
}
