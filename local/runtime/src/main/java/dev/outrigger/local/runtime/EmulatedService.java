package dev.outrigger.local.runtime;

/**
 * One emulated AWS API behind {@link AwsEmulator}. Register it with {@code emulator.register("scheduler", handler)}
 * under the SigV4 signing name the SDK uses for that service. Throwing is answered with a 500 naming the error.
 */
@FunctionalInterface
public interface EmulatedService {
    EmulatorResponse handle(EmulatorRequest request) throws Exception;
}
