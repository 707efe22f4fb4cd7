package io.netfence.agent.daemon;

import java.time.Instant;
import java.util.List;

/** How the last reload went; on errors the policies in force before it stayed in force. */
public record ReloadResult(Instant at, boolean ok, List<String> errors) {}
