package io.netfence.agent.names;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.socket.DatagramPacket;
import io.netty.handler.codec.dns.DatagramDnsResponseDecoder;
import io.netty.handler.codec.dns.DefaultDnsRecordDecoder;
import io.netty.handler.codec.dns.DnsRawRecord;
import io.netty.handler.codec.dns.DnsRecord;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.handler.codec.dns.DnsResponse;
import io.netty.handler.codec.dns.DnsResponseCode;
import io.netty.handler.codec.dns.DnsSection;
import io.netfence.agent.policy.NamePattern;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What an upstream answer says about the question's name: its A and AAAA addresses, reached by
 * following the CNAME chain from the name, and the shortest TTL along the way.
 */
record Answer(DnsResponseCode code, List<InetAddress> addresses, long ttlSeconds) {
    private static final int MAX_CHAIN = 16;
    private static final int QR = 0x8000;
    private static final int TC = 0x0200;
    private static final InetSocketAddress NOWHERE = InetSocketAddress.createUnresolved("upstream", 53);

    /** Netty's datagram decoder, used on bytes: the same parser for UDP and TCP answers. */
    private static final class Decoder extends DatagramDnsResponseDecoder {
        DnsResponse decode(byte[] message) throws Exception {
            return decodeResponse(null, new DatagramPacket(Unpooled.wrappedBuffer(message), NOWHERE, NOWHERE));
        }
    }

    /** The answer to {@code question}; empty when it is malformed or answers another question. */
    static Optional<Answer> read(byte[] message, Question question) {
        DnsResponse response;
        try {
            response = new Decoder().decode(message);
        } catch (Exception malformed) {
            return Optional.empty();
        }
        try {
            if (response.id() != question.id() || response.count(DnsSection.QUESTION) != 1
                    || !NamePattern.normalize(response.recordAt(DnsSection.QUESTION).name()).equals(question.name())) {
                return Optional.empty();
            }
            return Optional.of(follow(response, question.name()));
        } catch (UnknownHostException | RuntimeException malformed) {
            return Optional.empty();
        } finally {
            response.release();
        }
    }

    /** Whether {@code message} is a response to the question with TC set, however little of it can be read. */
    static boolean isTruncatedReplyTo(byte[] message, Question question) {
        if (message.length < Question.HEADER) {
            return false;
        }
        int id = (message[0] & 0xff) << 8 | (message[1] & 0xff);
        int flags = (message[2] & 0xff) << 8 | (message[3] & 0xff);
        return id == question.id() && (flags & QR) != 0 && (flags & TC) != 0;
    }

    private static Answer follow(DnsResponse response, String name) throws UnknownHostException {
        List<InetAddress> addresses = new ArrayList<>();
        long ttl = Long.MAX_VALUE;
        String current = name;
        int answers = response.count(DnsSection.ANSWER);
        for (int hop = 0; hop < MAX_CHAIN; hop++) {
            String next = null;
            for (int i = 0; i < answers; i++) {
                DnsRecord record = response.recordAt(DnsSection.ANSWER, i);
                if (record.dnsClass() != DnsRecord.CLASS_IN || !(record instanceof DnsRawRecord raw)
                        || !NamePattern.normalize(record.name()).equals(current)) {
                    continue;
                }
                ByteBuf content = raw.content();
                if (record.type() == DnsRecordType.A && content.readableBytes() == 4
                        || record.type() == DnsRecordType.AAAA && content.readableBytes() == 16) {
                    byte[] address = new byte[content.readableBytes()];
                    content.getBytes(content.readerIndex(), address);
                    addresses.add(InetAddress.getByAddress(address));
                    ttl = Math.min(ttl, record.timeToLive());
                } else if (record.type() == DnsRecordType.CNAME && next == null) {
                    next = NamePattern.normalize(DefaultDnsRecordDecoder.decodeName(content.duplicate()));
                    ttl = Math.min(ttl, record.timeToLive());
                }
            }
            if (next == null || !addresses.isEmpty()) {
                break;
            }
            current = next;
        }
        return new Answer(response.code(), List.copyOf(addresses), ttl == Long.MAX_VALUE ? 0 : ttl);
    }
}
