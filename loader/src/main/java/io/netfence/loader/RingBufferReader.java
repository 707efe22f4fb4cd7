package io.netfence.loader;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import io.netfence.loader.internal.LibC;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Reads a BPF_MAP_TYPE_RINGBUF by mapping it, the way libbpf's consumer does, without a native
 * call per record (JNA callbacks cost microseconds each and lose events under a flood). There
 * must be one reader per ring. Layout: a consumer page (read-write) with consumer_pos, then the
 * producer page with producer_pos followed by the data area. The kernel offers the data area
 * twice in a row, so that a record wrapping around the end is contiguous; it is mapped once here
 * (the kernel maps the whole of what is asked at once: twice would be twice the ring in the
 * reader's resident memory) and the rare wrapping record is copied together.
 */
public final class RingBufferReader implements AutoCloseable {
    private static final VarHandle LONGS = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INTS = MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final int BUSY = 1 << 31;
    private static final int DISCARD = 1 << 30;
    private static final int HEADER = 8;

    private final Pointer consumerMapping;
    private final Pointer producerMapping;
    private final long pageSize;
    private final long size;
    private final long mask;
    private final ByteBuffer consumer;
    private final ByteBuffer producer;
    private final ByteBuffer data;
    private ByteBuffer wrapped = ByteBuffer.allocate(0);

    /** What the reader hands each record to; the buffer is only valid during the call. */
    public interface RecordHandler {
        void record(ByteBuffer record);
    }

    private RingBufferReader(Pointer consumerMapping, Pointer producerMapping, long pageSize, long size) {
        this(consumerMapping, producerMapping, pageSize, consumerMapping.getByteBuffer(0, pageSize),
                producerMapping.getByteBuffer(0, pageSize), producerMapping.getByteBuffer(pageSize, size));
    }

    /** Over the ring's three parts as buffers: the consumer page, the producer page and the data area (once). */
    RingBufferReader(Pointer consumerMapping, Pointer producerMapping, long pageSize, ByteBuffer consumer, ByteBuffer producer,
                     ByteBuffer data) {
        this.consumerMapping = consumerMapping;
        this.producerMapping = producerMapping;
        this.pageSize = pageSize;
        this.size = data.capacity();
        this.mask = size - 1;
        this.consumer = consumer;
        this.producer = producer;
        this.data = data.order(ByteOrder.nativeOrder());
    }

    /** Maps the ring of {@code map}, which must be a ring buffer; the map's fd stays the caller's. */
    public static RingBufferReader open(BpfMap map) throws BpfException {
        if (map.type() != MapType.RINGBUF) {
            throw new IllegalArgumentException("map " + map.name() + " is not a ring buffer");
        }
        long pageSize = LibC.getpagesize();
        long size = map.maxEntries();
        Pointer consumer = mmap(pageSize, LibC.PROT_READ | LibC.PROT_WRITE, map.fd(), 0, map.name());
        Pointer producer;
        try {
            producer = mmap(pageSize + size, LibC.PROT_READ, map.fd(), pageSize, map.name());
        } catch (BpfException e) {
            LibC.munmap(consumer, pageSize);
            throw e;
        }
        return new RingBufferReader(consumer, producer, pageSize, size);
    }

    private static Pointer mmap(long length, int protection, int fd, long offset, String name) throws BpfException {
        Pointer p = LibC.mmap(null, length, protection, LibC.MAP_SHARED, fd, offset);
        if (p == null || Pointer.nativeValue(p) == -1L) {
            throw new BpfException("map ring buffer " + name, Native.getLastError());
        }
        return p;
    }

    /** Hands every committed record to the handler and frees their space; returns how many. */
    public int drain(RecordHandler handler) {
        long consumed = (long) LONGS.getAcquire(consumer, 0);
        long produced = (long) LONGS.getAcquire(producer, 0);
        int count = 0;
        while (consumed < produced) {
            int offset = (int) (consumed & mask);
            int header = (int) INTS.getAcquire(data, offset);
            if ((header & BUSY) != 0) {
                break; // reserved, not yet committed: the records after it wait too
            }
            int length = header & ~(BUSY | DISCARD);
            if ((header & DISCARD) == 0) {
                handler.record(record(offset, length));
                count++;
            }
            consumed += (length + HEADER + 7) & ~7L;
            LONGS.setRelease(consumer, 0, consumed);
            if (consumed == produced) {
                produced = (long) LONGS.getAcquire(producer, 0);
            }
        }
        return count;
    }

    /** The record after the header at {@code offset}: in place, or copied together when it wraps around the end. */
    private ByteBuffer record(int offset, int length) {
        int start = offset + HEADER; // a header is 8-aligned in a ring of whole pages: it never wraps
        if (start + length <= size) {
            return data.slice(start, length).order(ByteOrder.nativeOrder());
        }
        if (wrapped.capacity() < length) {
            wrapped = ByteBuffer.allocate(length);
        }
        int beforeEnd = (int) Math.max(0, size - start);
        wrapped.clear().put(0, data, (int) (start % size), beforeEnd).put(beforeEnd, data, (int) ((start + beforeEnd) % size), length - beforeEnd);
        return wrapped.slice(0, length).order(ByteOrder.nativeOrder());
    }

    /** Where the producers are: every record before this position is reserved. */
    public long produced() {
        return (long) LONGS.getAcquire(producer, 0);
    }

    /** Where the reader is: every record before this position is read. */
    public long consumed() {
        return (long) LONGS.getAcquire(consumer, 0);
    }

    /** Bytes written but not yet consumed. */
    public long pending() {
        return (long) LONGS.getAcquire(producer, 0) - (long) LONGS.getAcquire(consumer, 0);
    }

    @Override
    public void close() {
        LibC.munmap(producerMapping, pageSize + size);
        LibC.munmap(consumerMapping, pageSize);
    }
}
