package dev.pibl.app.simulate;

import java.net.InetSocketAddress;

/**
 * Sees every exchange of a run as it ends, for tests that check what each kind did. Called on the
 * client's event loop, so it must be quick and thread-safe.
 */
interface ExchangeObserver {

    ExchangeObserver NONE = (client, request, status, local) -> { };

    /**
     * @param status the response status, or -1 when the exchange failed (connect error, timeout, closed)
     * @param local  the local address of the connection it used (the source PIBL sees), or null if none
     */
    void exchanged(ClientPlan client, PlannedRequest request, int status, InetSocketAddress local);
}
