package io.netfence.loader;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The reader over a ring laid out as the kernel lays out BPF_MAP_TYPE_RINGBUF (kernel/bpf/ringbuf.c):
 * records of an 8-byte header (length, busy and discard bits) and their data, each rounded up to
 * 8 bytes, at consumer/producer positions that only grow and wrap by the ring's size.
 */
class RingBufferReaderTest {
    private static final int SIZE = 4096;
    private static final int BUSY = 1 << 31;
    private static final int DISCARD = 1 << 30;

    private final ByteBuffer consumer = ByteBuffer.allocate(SIZE).order(ByteOrder.LITTLE_ENDIAN);
    private final ByteBuffer producer = ByteBuffer.allocate(SIZE).order(ByteOrder.LITTLE_ENDIAN);
    private final ByteBuffer data = ByteBuffer.allocate(SIZE).order(ByteOrder.nativeOrder());
    private final RingBufferReader reader = new RingBufferReader(null, null, SIZE, consumer, producer, data);
    private long produced;

    /** What the kernel's bpf_ringbuf_reserve + submit leave behind, with the given flags in the header. */
    private void produce(String text, int flags) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        data.putInt((int) (produced % SIZE), bytes.length | flags);
        for (int i = 0; i < bytes.length; i++) {
            data.put((int) ((produced + 8 + i) % SIZE), bytes[i]);
        }
        produced += (bytes.length + 8 + 7) & ~7L;
        producer.putLong(0, produced);
    }

    private List<String> drain() {
        List<String> records = new ArrayList<>();
        reader.drain(r -> {
            byte[] bytes = new byte[r.remaining()];
            r.get(bytes);
            records.add(new String(bytes, StandardCharsets.UTF_8));
        });
        return records;
    }

    @Test
    void recordsComeInOrderAndFreeTheirSpace() {
        produce("one", 0);
        produce("two", 0);

        assertEquals(List.of("one", "two"), drain());
        assertEquals(produced, consumer.getLong(0));
        assertEquals(List.of(), drain());
    }

    @Test
    void aRecordWrappingAroundTheEndIsReadWhole() {
        String filler = "x".repeat(SIZE - 8 - 8 - 16); // leaves 16 bytes before the end: a header and 8 bytes of data
        produce(filler, 0);
        assertEquals(List.of(filler), drain());
        String wrapping = "0123456789abcdefghij"; // 8 bytes before the end, 12 after it
        produce(wrapping, 0);
        produce("after", 0);

        assertEquals(List.of(wrapping, "after"), drain());
        assertEquals(produced, consumer.getLong(0));
    }

    @Test
    void aRecordWhoseHeaderEndsTheAreaStartsItsDataAtTheBeginning() {
        produce("y".repeat(SIZE - 8 - 8), 0); // the next header is the area's last 8 bytes
        drain();
        produce("from the start", 0);

        assertEquals(List.of("from the start"), drain());
    }

    @Test
    void discardedRecordsAreSkippedAndABusyOneHoldsBackTheRest() {
        produce("dropped", DISCARD);
        produce("kept", 0);
        assertEquals(List.of("kept"), drain());

        produce("reserved", BUSY);
        produce("later", 0);
        assertEquals(List.of(), drain(), "nothing past a record not yet committed");
        data.putInt((int) ((produced - 16 - 16) % SIZE), "reserved".length()); // the program commits it
        assertEquals(List.of("reserved", "later"), drain());
    }
}
