package io.netfence.agent.names;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.dns.DefaultDnsQuestion;
import io.netty.handler.codec.dns.DefaultDnsRawRecord;
import io.netty.handler.codec.dns.DnsRecord;
import io.netty.handler.codec.dns.DnsRecordEncoder;
import io.netty.handler.codec.dns.DnsRecordType;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** DNS messages for tests, encoded with Netty's record encoder. */
final class Messages {
    private Messages() {}

    static byte[] query(int id, String name, DnsRecordType type) throws Exception {
        ByteBuf out = Unpooled.buffer();
        out.writeShort(id).writeShort(0x0100).writeShort(1).writeShort(0).writeShort(0).writeShort(0);
        DnsRecordEncoder.DEFAULT.encodeQuestion(new DefaultDnsQuestion(name, type), out);
        return ByteBufUtil.getBytes(out);
    }

    static byte[] response(int id, String name, DnsRecordType type, int rcode, List<DnsRecord> answers) throws Exception {
        ByteBuf out = Unpooled.buffer();
        out.writeShort(id).writeShort(0x8180 | rcode).writeShort(1).writeShort(answers.size()).writeShort(0).writeShort(0);
        DnsRecordEncoder.DEFAULT.encodeQuestion(new DefaultDnsQuestion(name, type), out);
        for (DnsRecord record : answers) {
            DnsRecordEncoder.DEFAULT.encodeRecord(record, out);
        }
        return ByteBufUtil.getBytes(out);
    }

    /** The response with TC set: it did not fit. */
    static byte[] truncated(byte[] response) {
        byte[] out = response.clone();
        out[2] |= 0x02;
        return out;
    }

    static DnsRecord a(String name, long ttl, int... octets) {
        byte[] raw = new byte[octets.length];
        for (int i = 0; i < octets.length; i++) {
            raw[i] = (byte) octets[i];
        }
        return new DefaultDnsRawRecord(name, octets.length == 4 ? DnsRecordType.A : DnsRecordType.AAAA, ttl,
                Unpooled.wrappedBuffer(raw));
    }

    static DnsRecord cname(String name, long ttl, String target) {
        ByteBuf wire = Unpooled.buffer();
        for (String label : target.split("\\.")) {
            wire.writeByte(label.length()).writeBytes(label.getBytes(StandardCharsets.US_ASCII));
        }
        wire.writeByte(0);
        return new DefaultDnsRawRecord(name, DnsRecordType.CNAME, ttl, wire);
    }
}
