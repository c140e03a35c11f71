package dev.pibl.http;

import io.netty.channel.Channel;
import io.netty.channel.ChannelConfig;
import io.netty.util.AttributeKey;

/**
 * Who may stop a client connection from reading. Three stages queue requests of a pipelining
 * client (scoring while a client's first score is on its way, the cache while it waits for a disk
 * read or another client's fetch, the proxy while an exchange is in flight); each says whether it
 * wants more input, and the connection reads only while all do. Without it one stage turning auto-read back on would let the other's queue grow without
 * bound.
 *
 * <p>One per client channel ({@link #of}); used only on that channel's event loop.
 */
public final class ReadGate {

    private static final AttributeKey<ReadGate> KEY = AttributeKey.valueOf(ReadGate.class, "gate");

    private final ChannelConfig config;
    private boolean proxyWants = true;
    private boolean cacheWants = true;
    private boolean scoringWants = true;

    private ReadGate(Channel channel) {
        this.config = channel.config();
    }

    /** The channel's gate, created on first use. Call on the channel's event loop. */
    public static ReadGate of(Channel channel) {
        ReadGate gate = channel.attr(KEY).get();
        if (gate == null) {
            gate = new ReadGate(channel);
            channel.attr(KEY).set(gate);
        }
        return gate;
    }

    /** The proxy stage wants input, or not. */
    public void proxy(boolean wants) {
        proxyWants = wants;
        apply();
    }

    /** The cache stage wants input, or not. */
    public void cache(boolean wants) {
        cacheWants = wants;
        apply();
    }

    /** The scoring stage wants input, or not (it holds requests while a score is on its way). */
    public void scoring(boolean wants) {
        scoringWants = wants;
        apply();
    }

    private void apply() {
        boolean read = proxyWants && cacheWants && scoringWants;
        if (config.isAutoRead() != read) {
            config.setAutoRead(read);
        }
    }
}
