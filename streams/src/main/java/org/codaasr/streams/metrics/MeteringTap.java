package org.codaasr.streams.metrics;

import java.util.function.Consumer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/** A topology stage that shows each record's value to a meter and passes the record on unchanged. */
public final class MeteringTap<K, V> implements Processor<K, V, K, V> {

    private final Consumer<V> meter;
    private ProcessorContext<K, V> context;

    public MeteringTap(Consumer<V> meter) {
        this.meter = meter;
    }

    @Override
    public void init(ProcessorContext<K, V> processorContext) {
        this.context = processorContext;
    }

    @Override
    public void process(Record<K, V> record) {
        if (record.value() != null) {
            meter.accept(record.value());
        }
        context.forward(record);
    }
}
