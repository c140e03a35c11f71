package dev.pibl.app.demo;

import io.netty.handler.codec.http.HttpRequest;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Renders the /headers body: the request line and headers as the node received them, so proxy
 * tests can assert what was forwarded, added or stripped.
 */
final class HeadersJson {

    private HeadersJson() {
    }

    /**
     * {@code {"method":..,"uri":..,"version":..,"headers":{name:[values..]},"node":..}}. Names are
     * grouped case-insensitively under the spelling first seen; groups and values keep arrival order.
     */
    static String render(HttpRequest request, String jsonName) {
        Map<String, List<String>> groups = new LinkedHashMap<>();
        Map<String, String> spelling = new LinkedHashMap<>();
        request.headers().iteratorAsString().forEachRemaining(e -> {
            String key = e.getKey().toLowerCase(Locale.ROOT);
            spelling.putIfAbsent(key, e.getKey());
            groups.computeIfAbsent(key, k -> new ArrayList<>(1)).add(e.getValue());
        });
        StringBuilder json = new StringBuilder(256).append("{\"method\":");
        Json.quote(json, request.method().name()).append(",\"uri\":");
        Json.quote(json, request.uri()).append(",\"version\":");
        Json.quote(json, request.protocolVersion().text()).append(",\"headers\":{");
        boolean firstName = true;
        for (Map.Entry<String, List<String>> group : groups.entrySet()) {
            if (!firstName) {
                json.append(',');
            }
            firstName = false;
            Json.quote(json, spelling.get(group.getKey())).append(":[");
            List<String> values = group.getValue();
            for (int i = 0; i < values.size(); i++) {
                if (i > 0) {
                    json.append(',');
                }
                Json.quote(json, values.get(i));
            }
            json.append(']');
        }
        return json.append("},\"node\":").append(jsonName).append('}').toString();
    }
}
