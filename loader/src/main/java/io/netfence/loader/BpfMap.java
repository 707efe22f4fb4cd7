package io.netfence.loader;

import io.netfence.loader.internal.LibBpf;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A BPF map seen through its fd, with raw byte keys and values. Deliberately not a
 * java.util.Map: every call here is a syscall. For per-CPU maps a value is
 * {@link #valueSize()} bytes per possible CPU, each slot rounded up to 8 bytes.
 */
public final class BpfMap implements AutoCloseable {
    /** bpf_map_update_elem flags. */
    public static final long ANY = 0;
    public static final long NO_EXIST = 1;
    public static final long EXIST = 2;

    private final String name;
    private final Fd fd;
    private final MapType type;
    private final int keySize;
    private final int valueSize;
    private final int maxEntries;
    private boolean batchUnsupported;

    private BpfMap(String name, Fd fd) throws BpfException {
        this.name = name;
        this.fd = fd;
        byte[] info = new byte[88];
        int[] length = {info.length};
        BpfException.check(LibBpf.bpf_obj_get_info_by_fd(fd.get(), info, length), "read info of map " + name);
        ByteBuffer b = ByteBuffer.wrap(info).order(ByteOrder.nativeOrder());
        this.type = MapType.of(b.getInt(0));
        this.keySize = b.getInt(8);
        this.valueSize = b.getInt(12);
        this.maxEntries = b.getInt(16);
    }

    /** Takes ownership of {@code fd}. */
    public static BpfMap of(String name, Fd fd) throws BpfException {
        try {
            return new BpfMap(name, fd);
        } catch (BpfException e) {
            fd.close();
            throw e;
        }
    }

    /** Opens a pinned map. */
    public static BpfMap openPinned(String name, String path) throws BpfException {
        return of(name, Fd.adopt(LibBpf.bpf_obj_get(path), "open pinned map " + path));
    }

    public String name() {
        return name;
    }

    public MapType type() {
        return type;
    }

    public int keySize() {
        return keySize;
    }

    public int valueSize() {
        return valueSize;
    }

    public int maxEntries() {
        return maxEntries;
    }

    public int fd() {
        return fd.get();
    }

    /** Bytes a lookup fills: the value, or one 8-byte-aligned value per possible CPU. */
    public int lookupSize() {
        return type.perCpu() ? PossibleCpus.count() * ((valueSize + 7) & ~7) : valueSize;
    }

    public void update(byte[] key, byte[] value, long flags) throws BpfException {
        checkSizes(key, value);
        int result = LibBpf.bpf_map_update_elem(fd.get(), key, value, flags);
        if (result < 0) {
            throw new BpfException("update map " + name, -result);
        }
    }

    public Optional<byte[]> lookup(byte[] key) throws BpfException {
        checkKey(key);
        byte[] value = new byte[lookupSize()];
        int result = LibBpf.bpf_map_lookup_elem(fd.get(), key, value);
        if (result == -Errno.ENOENT) {
            return Optional.empty();
        }
        BpfException.check(result, "look up in map " + name);
        return Optional.of(value);
    }

    /** Returns whether the key was there. */
    public boolean delete(byte[] key) throws BpfException {
        checkKey(key);
        int result = LibBpf.bpf_map_delete_elem(fd.get(), key);
        if (result == -Errno.ENOENT) {
            return false;
        }
        BpfException.check(result, "delete from map " + name);
        return true;
    }

    /** All keys at the time of the call (a concurrent writer may add or remove some meanwhile). */
    public List<byte[]> keys() throws BpfException {
        List<byte[]> keys = new ArrayList<>();
        forEachKey(key -> {
            keys.add(key);
            return true;
        });
        return keys;
    }

    /** Sees one key of an iteration; returns whether to go on. */
    public interface KeyVisitor {
        boolean visit(byte[] key) throws BpfException;
    }

    /**
     * Walks the keys without holding them all, for maps too large to copy. The visitor must not
     * delete: a hash map's iteration restarts from its first key when the current one is gone.
     * For the same reason (a concurrent writer may delete it) the walk stops after twice the
     * map's capacity, so it always ends.
     */
    public void forEachKey(KeyVisitor visitor) throws BpfException {
        byte[] current = null;
        long bound = 2L * Math.max(1, maxEntries);
        for (long visited = 0; visited < bound; visited++) {
            byte[] next = new byte[keySize];
            int result = LibBpf.bpf_map_get_next_key(fd.get(), current, next);
            if (result == -Errno.ENOENT) {
                return;
            }
            BpfException.check(result, "iterate map " + name);
            if (!visitor.visit(next)) {
                return;
            }
            current = next;
        }
    }

    /**
     * Writes {@code count} entries laid out back to back, in batches where the kernel supports
     * them for this map type, one by one where it does not.
     */
    public void updateAll(byte[] keys, byte[] values, int count) throws BpfException {
        if (keys.length != count * keySize || values.length != count * valueSize) {
            throw new IllegalArgumentException("batch of " + count + " does not match key/value sizes of " + name);
        }
        if (count == 0) {
            return;
        }
        if (!batchUnsupported) {
            int[] done = {count};
            int result = LibBpf.bpf_map_update_batch(fd.get(), keys, values, done, null);
            if (result == 0) {
                return;
            }
            if (result != -Errno.EINVAL && result != -Errno.EOPNOTSUPP && result != -524 /* ENOTSUPP */) {
                throw new BpfException("update map " + name + " in a batch of " + count, -result);
            }
            batchUnsupported = true;
        }
        byte[] key = new byte[keySize];
        byte[] value = new byte[valueSize];
        for (int i = 0; i < count; i++) {
            System.arraycopy(keys, i * keySize, key, 0, keySize);
            System.arraycopy(values, i * valueSize, value, 0, valueSize);
            update(key, value, ANY);
        }
    }

    /**
     * Deletes {@code count} keys laid out back to back, in batches where the kernel supports them;
     * keys that are already gone are skipped. Returns how many were deleted.
     */
    public int deleteAll(byte[] keys, int count) throws BpfException {
        if (keys.length != count * keySize) {
            throw new IllegalArgumentException("batch of " + count + " does not match the key size of " + name);
        }
        int done = 0;
        if (!batchUnsupported && count > 0) {
            int[] processed = {count};
            int result = LibBpf.bpf_map_delete_batch(fd.get(), keys, processed, null);
            if (result == 0) {
                return count;
            }
            if (result == -Errno.EINVAL || result == -Errno.EOPNOTSUPP || result == -524 /* ENOTSUPP */) {
                batchUnsupported = true;
            } else if (result != -Errno.ENOENT) {
                throw new BpfException("delete from map " + name + " in a batch of " + count, -result);
            }
            done = Math.max(0, processed[0]); // the batch stopped at a missing key or is unsupported
        }
        int deleted = done;
        byte[] key = new byte[keySize];
        for (int i = done; i < count; i++) {
            System.arraycopy(keys, i * keySize, key, 0, keySize);
            if (delete(key)) {
                deleted++;
            }
        }
        return deleted;
    }

    private void checkSizes(byte[] key, byte[] value) {
        checkKey(key);
        if (value.length != valueSize) {
            throw new IllegalArgumentException("value of " + value.length + " bytes for map " + name
                    + " whose values are " + valueSize + " bytes");
        }
    }

    private void checkKey(byte[] key) {
        if (key.length != keySize) {
            throw new IllegalArgumentException("key of " + key.length + " bytes for map " + name
                    + " whose keys are " + keySize + " bytes");
        }
    }

    @Override
    public void close() {
        fd.close();
    }
}
