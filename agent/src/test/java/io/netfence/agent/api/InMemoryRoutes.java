package io.netfence.agent.api;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/** Routes that remember what they were sent; {@code apply} can be held on a latch to stand for slow parsing. */
final class InMemoryRoutes implements ApiRoutes {
    final CountDownLatch applyStarted = new CountDownLatch(1);
    volatile CountDownLatch holdApply = new CountDownLatch(0);
    volatile RuntimeException applyFailure;
    volatile boolean applyOverflowsStack;
    final List<String> applied = new CopyOnWriteArrayList<>();
    final List<DenialRecord> events = new CopyOnWriteArrayList<>();
    final List<Consumer<DenialRecord>> subscribers = new CopyOnWriteArrayList<>();

    @Override
    public ApiResponse health() {
        return ApiResponse.ok(new ApiBody.Health("ok", 1, Instant.EPOCH, null, null, null));
    }

    @Override
    public ApiResponse policies() {
        return ApiResponse.ok(new ApiBody.PolicyList(List.of(), Map.of(), null));
    }

    @Override
    public ApiResponse apply(String source, String yaml) {
        applyStarted.countDown();
        try {
            holdApply.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (applyFailure != null) {
            throw applyFailure;
        }
        if (applyOverflowsStack) {
            return overflow(0);
        }
        applied.add(source + ":" + yaml.length());
        return ApiResponse.ok(new ApiBody.Applied(List.of(source)));
    }

    private ApiResponse overflow(int depth) {
        return depth < 0 ? null : overflow(depth + 1);
    }

    @Override
    public ApiResponse delete(String name) {
        return ApiResponse.ok(new ApiBody.Deleted(name));
    }

    @Override
    public EventSource events() {
        return new EventSource() {
            @Override
            public List<DenialRecord> recent() {
                return events;
            }

            @Override
            public Runnable subscribe(Consumer<DenialRecord> consumer) {
                subscribers.add(consumer);
                return () -> subscribers.remove(consumer);
            }
        };
    }
}
