package io.netfence.agent.datapath;

import java.util.Optional;

/** A cgroup netfence confines, as {@code list} shows it. */
public record Attachment(AttachmentRecord record, Optional<CgroupCounters> counters) {}
