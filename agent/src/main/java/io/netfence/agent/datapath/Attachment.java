package io.netfence.agent.datapath;

import io.netfence.agent.datapath.abi.CgroupStats;
import java.util.Optional;

/** A cgroup netfence confines, as {@code list} shows it. */
public record Attachment(AttachmentRecord record, Optional<CgroupStats> stats) {}
