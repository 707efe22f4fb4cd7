package io.netfence.agent.daemon;

/**
 * Gives memory back after a large input (a big policy parsed or refused): the serial collector
 * shrinks the heap only over consecutive full collections, so an idle agent whose heap is mostly
 * free collects now and then until it is not, and its RSS returns near idle.
 */
final class HeapTrim {
    static final long SECONDS = 5;
    private static final long SLACK_BYTES = 48L * 1024 * 1024;

    private HeapTrim() {}

    static void trimIfMostlyFree() {
        Runtime runtime = Runtime.getRuntime();
        if (mostlyFree(runtime.freeMemory(), runtime.totalMemory())) {
            System.gc();
        }
    }

    /**
     * "Mostly free", not only "much free": an agent holding large policies would otherwise collect
     * every 5 s for ever, its shrunk heap still keeping more than the slack free.
     */
    static boolean mostlyFree(long free, long committed) {
        return free > SLACK_BYTES && free > committed - free;
    }
}
