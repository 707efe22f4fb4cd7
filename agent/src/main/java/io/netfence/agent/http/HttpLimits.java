package io.netfence.agent.http;

import java.time.Duration;

/**
 * What a client may ask of a server; memory for requests in flight is at most
 * {@code maxConnections × maxBodyBytes}.
 *
 * @param maxBodyBytes    a larger body gets 413: at once when Content-Length says so, else when
 *                        the chunks pass the limit
 * @param requestDeadline the whole request (head and body) must arrive within this, else 408
 * @param maxConnections  connections beyond this get 503 and are closed
 */
public record HttpLimits(int maxBodyBytes, Duration requestDeadline, int maxConnections) {
    public HttpLimits {
        if (maxBodyBytes < 0 || maxConnections < 1 || requestDeadline.isNegative() || requestDeadline.isZero()) {
            throw new IllegalArgumentException("invalid HTTP limits " + maxBodyBytes + ", " + requestDeadline + ", " + maxConnections);
        }
    }
}
