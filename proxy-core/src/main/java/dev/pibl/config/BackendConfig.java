package dev.pibl.config;

import static java.util.Objects.requireNonNull;

/**
 * One backend: an entry of {@code backends:} in the YAML.
 *
 * @param name   unique name used in logs and (later) in pools; defaults to {@code host:port}
 * @param host   host name or address taken from the url
 * @param port   port taken from the url (80 when the url names none)
 * @param weight relative share of round-robin traffic, at least 1
 */
public record BackendConfig(String name, String host, int port, int weight) {

    public BackendConfig {
        requireNonNull(name, "name");
        requireNonNull(host, "host");
    }

    /** The url as an operator would write it. */
    public String url() {
        return "http://" + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
