package io.netfence.agent.daemon;

import io.netfence.agent.names.NamePolicy;
import java.io.IOException;
import java.util.List;

/**
 * What the reconciler tells the agent's DNS side about attachments: the proxy's port for
 * nf_cg_policy.dns_port, and each attachment's name policies before and after it is pointed.
 */
interface AttachmentNames {
    AttachmentNames NONE = new AttachmentNames() {
        @Override
        public int proxyPort() {
            return 0;
        }

        @Override
        public void pointing(int scope, List<NamePolicy> policies) {}

        @Override
        public void pointed(int scope, List<NamePolicy> policies) {}

        @Override
        public void released(int scope) {}
    };

    /** The port queries are steered to; 0 when the agent has no DNS proxy. */
    int proxyPort();

    /** Before the attachment is pointed at {@code policies}: they must know what it learned already. */
    void pointing(int scope, List<NamePolicy> policies) throws IOException;

    /** After: its queries are answered by {@code policies} alone. */
    void pointed(int scope, List<NamePolicy> policies);

    /** The attachment is gone. */
    void released(int scope);
}
