package dev.pibl.upstream;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pibl.scoring.Features;
import dev.pibl.scoring.ScoreRequest;
import dev.pibl.scoring.ScorerException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufInputStream;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * What an {@link HttpScorer} says to the scoring service and how it reads the answer: the request
 * of one call (GET with the client's IP in the query, or POST with a JSON body), and the score in
 * an answer, or the {@link ScorerException} saying why the answer holds none. Immutable;
 * thread-safe (used from every event loop).
 */
final class ScorerProtocol {

    // Trailing tokens fail: an answer such as {"score": 0.1} {"score": 0.9} is no answer.
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private final HttpScorer.Method method;
    /** The request target up to the client's IP for GET ({@code /path?query&ip=}), the whole target for POST. */
    private final String target;
    private final String hostHeader;
    private final String scoreField;

    ScorerProtocol(HttpScorer.Settings settings) {
        URI url = settings.url();
        String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
        String query = url.getRawQuery();
        this.method = settings.method();
        if (method == HttpScorer.Method.GET) {
            String name = URLEncoder.encode(settings.queryParameter(), StandardCharsets.UTF_8);
            this.target = path + "?" + (query == null || query.isEmpty() ? "" : query + "&") + name + "=";
        } else {
            this.target = query == null ? path : path + "?" + query;
        }
        this.hostHeader = url.getHost() + (url.getPort() == -1 ? "" : ":" + url.getPort());
        this.scoreField = settings.scoreField();
    }

    /** The request asking for {@code r}'s score; the caller writes (and so releases) it. */
    FullHttpRequest request(ScoreRequest r, ByteBufAllocator alloc) {
        FullHttpRequest request;
        if (method == HttpScorer.Method.GET) {
            request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET,
                    target + URLEncoder.encode(r.clientIp(), StandardCharsets.UTF_8), Unpooled.EMPTY_BUFFER);
        } else {
            ByteBuf body = jsonBody(r, alloc);
            request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, target, body);
            request.headers()
                    .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                    .setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
        }
        request.headers()
                .set(HttpHeaderNames.HOST, hostHeader)
                .set(HttpHeaderNames.ACCEPT, HttpHeaderValues.APPLICATION_JSON)
                .set(HttpHeaderNames.USER_AGENT, "pibl-scorer");
        return request;
    }

    /**
     * {@code {"ip": ..., "key": ..., "features": {"rate_1s": ..., ...}}}, every feature by its
     * {@link Features#NAMES name}; a value that is not finite is written {@code null}, as JSON has
     * no NaN.
     */
    private static ByteBuf jsonBody(ScoreRequest r, ByteBufAllocator alloc) {
        ByteBuf body = alloc.buffer(64 + 32 * Features.COUNT);
        try (JsonGenerator g = JSON.getFactory().createGenerator((OutputStream) new ByteBufOutputStream(body))) {
            g.writeStartObject();
            g.writeStringField("ip", r.clientIp());
            g.writeStringField("key", r.clientKey());
            g.writeObjectFieldStart("features");
            double[] features = r.features();
            for (int i = 0; i < Features.COUNT; i++) {
                if (Double.isFinite(features[i])) {
                    g.writeNumberField(Features.NAMES.get(i), features[i]);
                } else {
                    g.writeNullField(Features.NAMES.get(i));
                }
            }
            g.writeEndObject();
            g.writeEndObject();
        } catch (IOException e) {
            body.release();
            throw new UncheckedIOException(e); // writing to a growable buffer: not expected
        }
        return body;
    }

    /**
     * The score in a complete answer: status 200 and a JSON object whose score field is a number
     * in [0, 1].
     *
     * @throws ScorerException ERROR, with a short message saying what was wrong
     */
    double score(FullHttpResponse response) {
        int status = response.status().code();
        if (status != 200) {
            throw error("status " + status);
        }
        JsonNode root;
        try (InputStream in = new ByteBufInputStream(response.content().duplicate())) {
            root = JSON.readTree(in);
        } catch (IOException e) {
            throw error("answer is not JSON");
        }
        if (root == null || !root.isObject()) {
            throw error("answer is not a JSON object");
        }
        JsonNode value = root.get(scoreField);
        if (value == null || !value.isNumber()) {
            throw error("no numeric field \"" + scoreField + "\"");
        }
        double score = value.asDouble();
        if (!(score >= 0 && score <= 1)) {
            throw error("score " + value.asText() + " outside [0, 1]");
        }
        return score;
    }

    private static ScorerException error(String message) {
        return new ScorerException(ScorerException.Kind.ERROR, message);
    }
}
