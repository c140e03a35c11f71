package dev.pibl.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pibl.cache.CacheStats;
import dev.pibl.cache.ResponseCache;
import dev.pibl.scoring.ScoringService;
import dev.pibl.server.ReloadResult;
import dev.pibl.server.ScoringSetup;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;

/**
 * Answers admin requests:
 * <ul>
 *   <li>{@code GET /admin/health}: 200 while PIBL runs;</li>
 *   <li>{@code GET /admin/cache}: the cache's counters and sizes, as JSON;</li>
 *   <li>{@code DELETE /admin/cache?url=URL}: purges every stored variant of one URL: an absolute
 *       URL names one host, a path ({@code /static/app.js}) that path on every host. The parameter
 *       is percent-decoded once, then compared with targets as clients sent them;</li>
 *   <li>{@code DELETE /admin/cache?all=true}: purges everything;</li>
 *   <li>{@code GET /admin/scoring}: score-based balancing's counters (requests per tier, scorer
 *       calls, timeouts, tier changes);</li>
 *   <li>{@code GET /admin/clients/{ip}}: one client's features, score, tier, the features that
 *       pushed its score up most and the last scorer error;</li>
 *   <li>{@code GET /admin/clients?top=N}: the N clients with the highest scores (default 10);</li>
 *   <li>{@code POST /admin/reload}: reads the configuration file again and applies it, as SIGHUP
 *       does: 200 with what changed (and what needs a restart), or 422 with why it was refused.</li>
 *   <li>{@code GET /metrics}: every meter in Prometheus's text format;</li>
 *   <li>{@code GET /admin/ready}: 200 when PIBL should get traffic, else 503 saying why;</li>
 *   <li>{@code GET /admin/status}: the dashboard's JSON (totals, backends, cache, scoring, errors).</li>
 * </ul>
 * With a token configured, every request must carry {@code Authorization: Bearer <token>} (401
 * otherwise), except for the HTML dashboard's static files ({@code /admin/}, {@link DashboardAssets}).
 * Every answer but {@code /metrics} and those files is JSON. Answers that walk many objects (top
 * clients, metrics, status) are built on the admin executor, the rest on the connection's event
 * loop. One instance per admin connection, on its event loop.
 */
final class AdminHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * What every admin connection shares. Thread-safe.
     *
     * @param liveScoring score balancing in force (null answers while the policy is not score)
     * @param reload      reloads the configuration; slow, so only ever called on {@code slow}
     */
    record Routes(String token, ResponseCache cache, Supplier<ScoringSetup.Scoring> liveScoring,
            Supplier<ReloadResult> reload, Executor slow, Monitoring monitoring, DashboardAssets dashboard) {

        /** Score balancing now, or null; read once per request, since a reload may change it. */
        ScoringSetup.Scoring scoring() {
            return liveScoring.get();
        }
    }

    private static final int DEFAULT_TOP = 10;
    private static final int MAX_TOP = 1000;
    private static final String CLIENTS = "/admin/clients";
    private static final String RELOAD = "/admin/reload";
    private static final String METRICS = "/metrics";
    private static final String STATUS = "/admin/status";

    private final Routes routes;

    AdminHandler(Routes routes) {
        this.routes = routes;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        QueryStringDecoder uri = new QueryStringDecoder(request.uri());
        boolean allowed = request.decoderResult().isSuccess() && authorized(request);
        if (allowed && isGet(request.method())) {
            String path = uri.path();
            ScoringSetup.Scoring scoring = routes.scoring();
            if (path.equals(CLIENTS) && scoring != null) {
                offLoop(ctx, keepAlive, () -> topClients(scoring, uri.parameters()), "cannot list clients now: ");
                return;
            }
            if (path.equals(METRICS)) {
                offLoop(ctx, keepAlive, this::metrics, "cannot read the metrics now: ");
                return;
            }
            if (path.equals(STATUS)) {
                offLoop(ctx, keepAlive, this::status, "cannot build the status now: ");
                return;
            }
        }
        if (allowed && uri.path().equals(RELOAD) && request.method().equals(HttpMethod.POST)) {
            // Reading the YAML and loading models is slow: off the event loop too.
            offLoop(ctx, keepAlive, this::reload, "cannot reload now: ");
            return;
        }
        send(ctx, answer(request), keepAlive);
    }

    /**
     * Builds an answer on the admin executor: a walk over every tracked client or every meter must
     * not hold up the event loop, which other connections share. Reading pauses meanwhile, so a
     * pipelined request cannot overtake this answer.
     */
    private void offLoop(ChannelHandlerContext ctx, boolean keepAlive, Supplier<FullHttpResponse> build,
            String failure) {
        CompletableFuture<FullHttpResponse> answer;
        try {
            answer = CompletableFuture.supplyAsync(build, routes.slow());
        } catch (RejectedExecutionException shuttingDown) {
            send(ctx, error(HttpResponseStatus.SERVICE_UNAVAILABLE, "shutting down"), false);
            return;
        }
        ctx.channel().config().setAutoRead(false);
        answer
                .exceptionally(e -> error(HttpResponseStatus.SERVICE_UNAVAILABLE, failure + e))
                .thenAccept(r -> {
                    try {
                        ctx.executor().execute(() -> {
                            send(ctx, r, keepAlive);
                            ctx.channel().config().setAutoRead(true);
                        });
                    } catch (RejectedExecutionException shuttingDown) {
                        r.release();
                    }
                });
    }

    /** {@code POST /admin/reload}: 200 with what changed, or 422 with why the new configuration was refused. */
    private FullHttpResponse reload() {
        ReloadResult r = routes.reload().get();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("applied", r.applied());
        body.put("generation", r.generation());
        body.put("changed", r.changed());
        body.put("restartRequired", r.restartRequired());
        body.put("problems", r.problems());
        return json(r.applied() ? HttpResponseStatus.OK : HttpResponseStatus.UNPROCESSABLE_ENTITY, body);
    }

    /** {@code GET /metrics}, on the admin executor. */
    private FullHttpResponse metrics() {
        byte[] text = routes.monitoring().scrape();
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                Unpooled.wrappedBuffer(text));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, Monitoring.CONTENT_TYPE)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, text.length)
                .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
        return r;
    }

    /** {@code GET /admin/status}, on the admin executor. */
    private FullHttpResponse status() {
        Map<String, Object> body = routes.monitoring().status();
        return body == null ? error(HttpResponseStatus.SERVICE_UNAVAILABLE, "not listening yet: PIBL is starting")
                : json(HttpResponseStatus.OK, body);
    }

    /** {@code GET /admin/ready}: cheap, so on the event loop. */
    private FullHttpResponse ready() {
        Readiness r = routes.monitoring().readiness();
        if (r.ready()) {
            return json(HttpResponseStatus.OK, Map.of("status", "ready"));
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", "not-ready");
        body.put("reason", r.reason());
        return json(HttpResponseStatus.SERVICE_UNAVAILABLE, body);
    }

    private void send(ChannelHandlerContext ctx, FullHttpResponse response, boolean keepAlive) {
        HttpUtil.setKeepAlive(response, keepAlive);
        if (keepAlive) {
            ctx.writeAndFlush(response, ctx.voidPromise());
        } else {
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }

    private FullHttpResponse answer(FullHttpRequest request) {
        if (!request.decoderResult().isSuccess()) {
            return error(HttpResponseStatus.BAD_REQUEST, "malformed request");
        }
        String path = new QueryStringDecoder(request.uri()).path();
        if (DashboardAssets.handles(path)) {
            return routes.dashboard().answer(request.method(), path, request.headers());
        }
        if (!authorized(request)) {
            FullHttpResponse r = error(HttpResponseStatus.UNAUTHORIZED, "missing or wrong bearer token (admin.token)");
            r.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer realm=\"pibl-admin\"");
            return r;
        }
        QueryStringDecoder uri = new QueryStringDecoder(request.uri());
        HttpMethod method = request.method();
        if (uri.path().startsWith(CLIENTS + "/") || uri.path().equals(CLIENTS) || uri.path().equals("/admin/scoring")) {
            return scoring(uri, method);
        }
        switch (uri.path()) {
            case "/admin/health":
                return method.equals(HttpMethod.GET) || method.equals(HttpMethod.HEAD)
                        ? json(HttpResponseStatus.OK, Map.of("status", "ok"))
                        : notAllowed("GET, HEAD");
            case RELOAD:
                return notAllowed("POST");
            case "/admin/ready":
                return isGet(method) ? ready() : notAllowed("GET, HEAD");
            case METRICS:
            case STATUS:
                return notAllowed("GET, HEAD"); // GET and HEAD were answered off the loop
            case "/admin/cache":
                if (routes.cache() == null) {
                    return error(HttpResponseStatus.NOT_FOUND, "the cache is disabled (cache.enabled: false)");
                }
                if (method.equals(HttpMethod.GET) || method.equals(HttpMethod.HEAD)) {
                    return json(HttpResponseStatus.OK, cacheStatus(routes.cache()));
                }
                if (method.equals(HttpMethod.DELETE)) {
                    return purge(routes.cache(), uri.parameters());
                }
                return notAllowed("GET, HEAD, DELETE");
            default:
                return error(HttpResponseStatus.NOT_FOUND, "no such admin resource: " + uri.path());
        }
    }

    /** {@code /admin/scoring} and {@code /admin/clients/{ip}}; {@code ?top=N} is answered off the loop. */
    private FullHttpResponse scoring(QueryStringDecoder uri, HttpMethod method) {
        ScoringSetup.Scoring scoring = routes.scoring();
        if (scoring == null) {
            return error(HttpResponseStatus.NOT_FOUND, "score-based balancing is off (balancing.policy: score turns it on)");
        }
        if (!isGet(method)) {
            return notAllowed("GET, HEAD");
        }
        if (uri.path().equals("/admin/scoring")) {
            return json(HttpResponseStatus.OK, ScoringViews.stats(scoring));
        }
        String named = uri.path().substring(CLIENTS.length() + 1);
        String key = ScoringViews.keyOf(named, scoring.keys());
        if (key == null) {
            return error(HttpResponseStatus.BAD_REQUEST, "not an IP address: " + named
                    + " (expected: /admin/clients/203.0.113.7 or /admin/clients/2001:db8::1)");
        }
        ScoringService.ClientReport report = scoring.service().report(key);
        if (report == null) {
            return error(HttpResponseStatus.NOT_FOUND, "no client " + key + " is tracked (never seen, or forgotten)");
        }
        return json(HttpResponseStatus.OK, ScoringViews.client(report));
    }

    /** {@code GET /admin/clients?top=N}: the N most suspicious clients. Runs off the event loop. */
    private FullHttpResponse topClients(ScoringSetup.Scoring scoring, Map<String, List<String>> params) {
        for (String name : params.keySet()) {
            if (!name.equals("top")) {
                return error(HttpResponseStatus.BAD_REQUEST, "unknown parameter " + name + " (expected: top=N)");
            }
        }
        int top = DEFAULT_TOP;
        List<String> given = params.get("top");
        if (given != null) {
            try {
                top = given.size() == 1 ? Integer.parseInt(given.get(0)) : -1;
            } catch (NumberFormatException e) {
                top = -1;
            }
            if (top < 1 || top > MAX_TOP) {
                return error(HttpResponseStatus.BAD_REQUEST, "top=" + String.join(",", given)
                        + " (expected: one whole number from 1 to " + MAX_TOP + ")");
            }
        }
        ScoringService service = scoring.service();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("clients", service.clients().size());
        body.put("top", ScoringViews.top(service.top(top)));
        return json(HttpResponseStatus.OK, body);
    }

    private static boolean isGet(HttpMethod method) {
        return method.equals(HttpMethod.GET) || method.equals(HttpMethod.HEAD);
    }

    private boolean authorized(FullHttpRequest request) {
        String token = routes.token();
        if (token.isEmpty()) {
            return true;
        }
        String given = request.headers().get(HttpHeaderNames.AUTHORIZATION, "");
        // Constant-time comparison: the token must not leak through response timing.
        return MessageDigest.isEqual(("Bearer " + token).getBytes(StandardCharsets.UTF_8),
                given.getBytes(StandardCharsets.UTF_8));
    }

    private static FullHttpResponse purge(ResponseCache cache, Map<String, List<String>> params) {
        for (String name : params.keySet()) {
            if (!name.equals("url") && !name.equals("all")) {
                return error(HttpResponseStatus.BAD_REQUEST, "unknown parameter " + name + " (expected: url=URL or all=true)");
            }
        }
        List<String> urls = params.get("url");
        if (urls == null) {
            // Emptying everything must be asked for: a mistyped parameter must not wipe the cache.
            if (List.of("true").equals(params.get("all"))) {
                return json(HttpResponseStatus.OK, Map.of("purged", cache.clear(), "scope", "all"));
            }
            return error(HttpResponseStatus.BAD_REQUEST, "say what to purge (expected: url=URL or all=true)");
        }
        if (urls.size() > 1 || params.containsKey("all")) {
            return error(HttpResponseStatus.BAD_REQUEST, "give one url parameter, or all=true, per request");
        }
        String url = urls.get(0);
        if (url.startsWith("/")) {
            return json(HttpResponseStatus.OK, Map.of("purged", cache.purge(null, url), "url", url));
        }
        try {
            URI parsed = new URI(url);
            if (parsed.getScheme() == null || parsed.getRawAuthority() == null
                    || !parsed.getScheme().equalsIgnoreCase("http") && !parsed.getScheme().equalsIgnoreCase("https")) {
                return badUrl(url);
            }
            String target = (parsed.getRawPath() == null || parsed.getRawPath().isEmpty() ? "/" : parsed.getRawPath())
                    + (parsed.getRawQuery() == null ? "" : "?" + parsed.getRawQuery());
            return json(HttpResponseStatus.OK, Map.of("purged", cache.purge(parsed.getRawAuthority(), target), "url", url));
        } catch (URISyntaxException e) {
            return badUrl(url);
        }
    }

    private static FullHttpResponse badUrl(String url) {
        return error(HttpResponseStatus.BAD_REQUEST,
                "url: " + url + " (expected: an absolute http URL such as http://example.com/a, or a path such as /a)");
    }

    private static Map<String, Object> cacheStatus(ResponseCache cache) {
        CacheStats s = cache.stats();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("hits", s.hits());
        m.put("misses", s.misses());
        m.put("stale", s.stale());
        m.put("revalidated", s.revalidated());
        m.put("bypasses", s.bypasses());
        m.put("stores", s.stores());
        m.put("coalesced", s.coalescedCount());
        m.put("bytesServed", s.bytesServed());
        m.put("memoryEntries", cache.memoryEntries());
        m.put("memoryBytes", cache.memoryBytes());
        m.put("memoryEvictions", s.memoryEvictions());
        m.put("diskEntries", cache.diskEntries());
        m.put("diskBytes", cache.diskBytes());
        m.put("diskIndexed", cache.indexed().isDone());
        return m;
    }

    private static FullHttpResponse notAllowed(String allow) {
        FullHttpResponse r = error(HttpResponseStatus.METHOD_NOT_ALLOWED, "allowed methods: " + allow);
        r.headers().set(HttpHeaderNames.ALLOW, allow);
        return r;
    }

    private static FullHttpResponse error(HttpResponseStatus status, String message) {
        return json(status, Map.of("error", message));
    }

    private static FullHttpResponse json(HttpResponseStatus status, Object body) {
        byte[] bytes;
        try {
            bytes = JSON.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(bytes));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length)
                .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
        return r;
    }
}
