package io.netfence.agent.http;

import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;

/** How a server words the errors the shared layer answers itself (413, 408, 400, 503). */
@FunctionalInterface
public interface ErrorReplies {
    FullHttpResponse error(HttpResponseStatus status, String message);
}
