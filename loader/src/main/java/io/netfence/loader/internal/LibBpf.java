package io.netfence.loader.internal;

import com.sun.jna.Callback;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;

/**
 * The libbpf symbols netfence uses, and no others. Internal usage only!
 *
 * <p>Direct mapping (Native.register) keeps the per-call cost near 90 ns. libbpf 1.x returns
 * {@code -errno} from int functions and NULL with errno set from pointer functions; nothing here
 * declares LastErrorException because libbpf's feature probes leave errno set on success.
 */
public final class LibBpf {
    public static final String SONAME = "libbpf.so.1";

    static {
        Native.register(LibBpf.class, NativeLibrary.getInstance(SONAME));
    }

    private LibBpf() {}

    /** Forces the library to load, turning a missing libbpf1 into an error the caller can report. */
    public static void ensureLoaded() {}

    public static native Pointer bpf_object__open_mem(Pointer buffer, long size, Pointer opts);

    public static native int bpf_object__load(Pointer object);

    public static native void bpf_object__close(Pointer object);

    public static native Pointer bpf_object__find_map_by_name(Pointer object, String name);

    public static native Pointer bpf_object__find_program_by_name(Pointer object, String name);

    public static native int bpf_map__set_pin_path(Pointer map, String path);

    public static native int bpf_map__set_max_entries(Pointer map, int maxEntries);

    public static native int bpf_program__fd(Pointer program);

    public static native int bpf_program__set_autoload(Pointer program, boolean autoload);

    public static native int bpf_obj_pin(int fd, String path);

    public static native int bpf_obj_get(String path);

    public static native int bpf_obj_get_info_by_fd(int fd, byte[] info, int[] infoLength);

    public static native int bpf_link_create(int programFd, int targetFd, int attachType, Pointer opts);

    public static native int bpf_link_detach(int linkFd);

    public static native int bpf_map_update_elem(int fd, byte[] key, byte[] value, long flags);

    public static native int bpf_map_lookup_elem(int fd, byte[] key, byte[] value);

    public static native int bpf_map_delete_elem(int fd, byte[] key);

    public static native int bpf_map_get_next_key(int fd, byte[] key, byte[] nextKey);

    public static native int bpf_map_update_batch(int fd, byte[] keys, byte[] values, int[] count, Pointer opts);

    public static native int bpf_map_delete_batch(int fd, byte[] keys, int[] count, Pointer opts);

    public static native int libbpf_num_possible_cpus();

    public static native Pointer btf__parse_elf(String path, Pointer btfExt);

    public static native void btf__free(Pointer btf);

    public static native int btf__find_by_name_kind(Pointer btf, String name, int kind);

    public static native Pointer btf__type_by_id(Pointer btf, int id);

    public static native String btf__name_by_offset(Pointer btf, int offset);

    /** libbpf's print callback: (level, format, va_list). */
    public interface PrintCallback extends Callback {
        int invoke(int level, String format, Pointer vaList);
    }

    public static native Pointer libbpf_set_print(PrintCallback callback);
}
