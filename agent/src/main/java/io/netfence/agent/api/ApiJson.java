package io.netfence.agent.api;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.jr.ob.JSON;
import com.fasterxml.jackson.jr.ob.JacksonJrExtension;
import com.fasterxml.jackson.jr.ob.api.ExtensionContext;
import com.fasterxml.jackson.jr.ob.api.ReaderWriterModifier;
import com.fasterxml.jackson.jr.ob.api.ReaderWriterProvider;
import com.fasterxml.jackson.jr.ob.api.ValueReader;
import com.fasterxml.jackson.jr.ob.api.ValueWriter;
import com.fasterxml.jackson.jr.ob.impl.BeanPropertyIntrospector;
import com.fasterxml.jackson.jr.ob.impl.JSONReader;
import com.fasterxml.jackson.jr.ob.impl.JSONWriter;
import com.fasterxml.jackson.jr.ob.impl.POJODefinition;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;

/**
 * The one JSON codec of the control API, for the agent and the CLI alike (jackson-jr: records
 * without annotations, light enough for a CLI's start-up). Record components are written in
 * declaration order under their snake_case names ({@code lastReload} → {@code last_reload});
 * nulls are written; instants are ISO-8601 strings; unknown fields are ignored when reading.
 */
public final class ApiJson {
    private static final JSON CODEC = JSON.builder()
            .enable(JSON.Feature.WRITE_NULL_PROPERTIES, JSON.Feature.WRITE_RECORD_FIELDS_IN_DECLARATION_ORDER)
            .disable(JSON.Feature.FAIL_ON_UNKNOWN_BEAN_PROPERTY)
            .register(new JacksonJrExtension() {
                @Override
                protected void register(ExtensionContext context) {
                    context.appendModifier(new SnakeCaseNames());
                    context.insertProvider(new Instants());
                }
            }).build();

    private ApiJson() {}

    public static String write(Object value) {
        try {
            return CODEC.asString(value);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot write " + value.getClass().getSimpleName() + " as JSON: " + e.getMessage(), e);
        }
    }

    public static <T> T read(String json, Class<T> type) throws IOException {
        try {
            return CODEC.beanFrom(type, json);
        } catch (DateTimeParseException e) {
            throw new IOException("the agent sent a malformed " + type.getSimpleName() + ": " + e.getMessage(), e);
        }
    }

    static String snakeCase(String name) {
        return name.replaceAll("([A-Z])", "_$1").toLowerCase(java.util.Locale.ROOT);
    }

    private static final class SnakeCaseNames extends ReaderWriterModifier {
        @Override
        public POJODefinition pojoDefinitionForSerialization(JSONWriter context, Class<?> type) {
            return renamed(BeanPropertyIntrospector.instance().pojoDefinitionForSerialization(context, type));
        }

        @Override
        public POJODefinition pojoDefinitionForDeserialization(JSONReader context, Class<?> type) {
            return renamed(BeanPropertyIntrospector.instance().pojoDefinitionForDeserialization(context, type));
        }

        private static POJODefinition renamed(POJODefinition definition) {
            List<POJODefinition.Prop> props = definition.getProperties().stream()
                    .map(p -> new POJODefinition.Prop(snakeCase(p.name), p.originalName(), p.field, p.setter, p.getter, p.isGetter,
                            p.aliases()))
                    .toList();
            return definition.withProperties(props);
        }
    }

    private static final class Instants extends ReaderWriterProvider {
        @Override
        public ValueWriter findValueWriter(JSONWriter context, Class<?> type) {
            return type != Instant.class ? null : new ValueWriter() {
                @Override
                public void writeValue(JSONWriter writer, JsonGenerator g, Object value) throws IOException {
                    g.writeString(value.toString());
                }

                @Override
                public Class<?> valueType() {
                    return Instant.class;
                }
            };
        }

        @Override
        public ValueReader findValueReader(JSONReader context, Class<?> type) {
            return type != Instant.class ? null : new ValueReader(Instant.class) {
                @Override
                public Object read(JSONReader reader, JsonParser p) throws IOException {
                    return p.currentToken() == JsonToken.VALUE_NULL ? null : Instant.parse(p.getValueAsString());
                }
            };
        }
    }
}
