package io.netfence.loader;

/** The bpf_map_type values netfence meets, by their kernel numbers. */
public enum MapType {
    HASH(1), ARRAY(2), PERCPU_HASH(5), PERCPU_ARRAY(6), LPM_TRIE(11), CGROUP_STORAGE(19),
    PERCPU_CGROUP_STORAGE(21), RINGBUF(27), OTHER(-1);

    private final int kernelValue;

    MapType(int kernelValue) {
        this.kernelValue = kernelValue;
    }

    static MapType of(int kernelValue) {
        for (MapType type : values()) {
            if (type.kernelValue == kernelValue) {
                return type;
            }
        }
        return OTHER;
    }

    boolean perCpu() {
        return this == PERCPU_HASH || this == PERCPU_ARRAY || this == PERCPU_CGROUP_STORAGE;
    }
}
