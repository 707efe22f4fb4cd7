package io.netfence.agent.config;

import org.snakeyaml.engine.v2.events.Event;
import org.snakeyaml.engine.v2.exceptions.ParserException;
import org.snakeyaml.engine.v2.parser.Parser;

/**
 * Refuses documents nested deeper than a limit before the composer, which recurses once per
 * level, sees them: {@code [[[[...]]]]} ten thousand deep would otherwise overflow its stack.
 */
final class DepthLimitedParser implements Parser {
    private final Parser parser;
    private final int maxDepth;
    private int depth;

    DepthLimitedParser(Parser parser, int maxDepth) {
        this.parser = parser;
        this.maxDepth = maxDepth;
    }

    @Override
    public boolean checkEvent(Event.ID id) {
        return parser.checkEvent(id);
    }

    @Override
    public Event peekEvent() {
        return parser.peekEvent();
    }

    @Override
    public boolean hasNext() {
        return parser.hasNext();
    }

    @Override
    public Event next() {
        Event event = parser.next();
        switch (event.getEventId()) {
            case SequenceStart, MappingStart -> {
                if (++depth > maxDepth) {
                    throw new ParserException("nested more than " + maxDepth + " levels deep", event.getStartMark());
                }
            }
            case SequenceEnd, MappingEnd -> depth--;
            default -> { }
        }
        return event;
    }
}
