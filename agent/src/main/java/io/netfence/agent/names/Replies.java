package io.netfence.agent.names;

import java.nio.ByteBuffer;

/** Error answers the proxy makes itself: the query's header and question, with a response code. */
final class Replies {
    static final int SERVFAIL = 2;
    static final int REFUSED = 5;

    private Replies() {}

    /** An answer to {@code query} (whose question {@link Question#of} read) with no records and this code. */
    static byte[] error(byte[] query, int code) {
        int questionEnd = questionEnd(query);
        ByteBuffer out = ByteBuffer.allocate(questionEnd);
        int flags = ((query[2] & 0xff) << 8) | (query[3] & 0xff);
        int answerFlags = 0x8000 | (flags & 0x7900) | 0x0080 | code; // QR, opcode and RD kept, RA, RCODE
        out.putShort((short) ((query[0] & 0xff) << 8 | (query[1] & 0xff)));
        out.putShort((short) answerFlags);
        out.putShort((short) 1).putShort((short) 0).putShort((short) 0).putShort((short) 0);
        out.put(query, Question.HEADER, questionEnd - Question.HEADER);
        return out.array();
    }

    /** Where the single question of a well-formed query ends (name, type, class). */
    private static int questionEnd(byte[] query) {
        int i = Question.HEADER;
        while (query[i] != 0) {
            i += (query[i] & 0xff) + 1;
        }
        return i + 1 + 4;
    }
}
