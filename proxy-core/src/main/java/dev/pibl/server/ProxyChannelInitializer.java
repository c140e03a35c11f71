package dev.pibl.server;

import static java.util.Objects.requireNonNull;

import dev.pibl.config.PiblConfig;
import dev.pibl.http.ClientTimeoutHandler;
import dev.pibl.http.FramingGuard;
import dev.pibl.logging.AccessLog;
import dev.pibl.logging.AccessLogHandler;
import dev.pibl.upstream.ProxyHandler;
import dev.pibl.upstream.ProxySettings;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.group.ChannelGroup;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;

/**
 * Builds the pipeline of each client connection. {@link #initChannel} reads as the table of
 * contents of the request path (DESIGN.md), one step per stage:
 *
 * <pre>
 * client-bytes → http-codec → access-log → client-timeouts → framing-guard → [cache] → proxy
 * </pre>
 *
 * Shared by all connections; {@code initChannel} runs on each new connection's event loop.
 */
final class ProxyChannelInitializer extends ChannelInitializer<Channel> {

    private final PiblConfig config;
    private final AccessLog accessLog;
    private final ProxySettings proxySettings;
    private final ChannelGroup clients;

    ProxyChannelInitializer(PiblConfig config, AccessLog accessLog, ProxySettings proxySettings, ChannelGroup clients) {
        this.config = requireNonNull(config, "config");
        this.accessLog = requireNonNull(accessLog, "accessLog");
        this.proxySettings = requireNonNull(proxySettings, "proxySettings");
        this.clients = requireNonNull(clients, "clients");
    }

    @Override
    protected void initChannel(Channel ch) {
        clients.add(ch);
        ChannelPipeline p = ch.pipeline();
        ClientTimeoutHandler timeouts = new ClientTimeoutHandler(config.timeouts().idle(), config.timeouts().clientHeader());
        addByteWatcher(p, timeouts);
        addHttpCodec(p);
        addAccessLog(p);
        addClientTimeouts(p, timeouts);
        addFramingGuard(p);
        addCacheHandlers(p);
        addProxyHandler(p);
    }

    private void addByteWatcher(ChannelPipeline p, ClientTimeoutHandler timeouts) {
        p.addLast(HandlerNames.CLIENT_BYTES, timeouts.byteWatcher());
    }

    private void addHttpCodec(ChannelPipeline p) {
        p.addLast(HandlerNames.HTTP_CODEC, new HttpServerCodec(new HttpDecoderConfig()
                .setMaxInitialLineLength(config.server().limits().maxRequestLine())
                .setMaxHeaderSize(config.server().limits().maxHeaderSize())
                .setMaxChunkSize(64 * 1024)));
    }

    private void addAccessLog(ChannelPipeline p) {
        p.addLast(HandlerNames.ACCESS_LOG, new AccessLogHandler(accessLog));
    }

    private void addClientTimeouts(ChannelPipeline p, ClientTimeoutHandler timeouts) {
        p.addLast(HandlerNames.CLIENT_TIMEOUTS, timeouts);
    }

    private void addFramingGuard(ChannelPipeline p) {
        p.addLast(HandlerNames.FRAMING_GUARD, new FramingGuard(config.server().limits()));
    }

    /**
     * The seam for the response cache (HandlerNames.CACHE): it will sit here, after the guard so it
     * only sees well-framed requests and before the proxy so a hit never reaches a backend. Nothing
     * is added until the cache stage is built; {@code cache.*} settings are validated meanwhile.
     */
    private void addCacheHandlers(ChannelPipeline p) {
    }

    private void addProxyHandler(ChannelPipeline p) {
        p.addLast(HandlerNames.PROXY, new ProxyHandler(proxySettings));
    }
}
