package io.netfence.agent.names;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.dns.DnsQuestion;
import io.netty.handler.codec.dns.DnsRecordDecoder;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netfence.agent.policy.NamePattern;
import java.util.Optional;

/** The one question of a DNS query, read with Netty's DNS codec. */
record Question(int id, String name, DnsRecordType type) {
    static final int HEADER = 12;

    /** The question of a standard query, empty when the message is not one we answer. */
    static Optional<Question> of(byte[] query) {
        if (query.length < HEADER + 5 || query.length > DnsLimits.MAX_MESSAGE) {
            return Optional.empty();
        }
        ByteBuf in = Unpooled.wrappedBuffer(query);
        int id = in.readUnsignedShort();
        int flags = in.readUnsignedShort();
        int questions = in.readUnsignedShort();
        boolean isQuery = (flags & 0x8000) == 0 && ((flags >> 11) & 0xf) == 0;
        if (!isQuery || questions != 1) {
            return Optional.empty();
        }
        in.readerIndex(HEADER);
        try {
            DnsQuestion question = DnsRecordDecoder.DEFAULT.decodeQuestion(in);
            return Optional.of(new Question(id, NamePattern.normalize(question.name()), question.type()));
        } catch (Exception malformed) {
            return Optional.empty();
        }
    }
}
