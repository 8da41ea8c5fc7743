package org.codaasr.app;

import java.nio.file.Path;
import org.codaasr.messages.KafkaClientProperties;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code --kafka-config FILE}: TLS/SASL settings for every Kafka client a command creates. */
public final class KafkaClientOptions {

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = {"--kafka-config", "--command-config"}, paramLabel = "FILE",
            description = "Kafka client properties (security.protocol, sasl.*, ssl.*) for every client this command "
                    + "creates, as Kafka's own tools take them")
    Path file;

    /** The settings of the file, or none; a file that cannot be read is a usage error naming it. */
    public KafkaClientProperties properties() {
        if (file == null) {
            return KafkaClientProperties.NONE;
        }
        try {
            return KafkaClientProperties.load(file);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
    }
}
