package io.netfence.loader;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import io.netfence.loader.internal.LibBpf;
import java.util.LinkedHashMap;
import java.util.Map;

/** Type information of a BPF object, read to check that Java mirrors match the C structs. */
public final class Btf implements AutoCloseable {
    private static final int KIND_STRUCT = 4;
    private Pointer btf;

    private Btf(Pointer btf) {
        this.btf = btf;
    }

    public static Btf parseElf(String path) throws BpfException {
        LibBpf.ensureLoaded();
        Pointer btf = LibBpf.btf__parse_elf(path, null);
        if (btf == null) {
            throw new BpfException("read BTF of " + path, Native.getLastError());
        }
        return new Btf(btf);
    }

    /** A struct's size and its members' byte offsets, in declaration order. */
    public record StructLayout(String name, int size, Map<String, Integer> offsets) {}

    public StructLayout struct(String name) throws BpfException {
        int id = LibBpf.btf__find_by_name_kind(btf, name, KIND_STRUCT);
        if (id < 0) {
            throw new BpfException("find struct " + name + " in BTF", -id);
        }
        Pointer type = LibBpf.btf__type_by_id(btf, id);
        int info = type.getInt(4);
        int members = info & 0xffff;
        boolean bitfieldEncoding = (info >>> 31) != 0;
        Map<String, Integer> offsets = new LinkedHashMap<>();
        for (int i = 0; i < members; i++) {
            Pointer member = type.share(12 + 12L * i);
            int bitOffset = member.getInt(8);
            if (bitfieldEncoding) {
                bitOffset &= 0xffffff;
            }
            offsets.put(LibBpf.btf__name_by_offset(btf, member.getInt(0)), bitOffset / 8);
        }
        return new StructLayout(name, type.getInt(8), offsets);
    }

    @Override
    public void close() {
        if (btf != null) {
            LibBpf.btf__free(btf);
            btf = null;
        }
    }
}
