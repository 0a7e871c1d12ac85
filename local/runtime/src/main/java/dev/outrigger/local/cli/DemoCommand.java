package dev.outrigger.local.cli;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
@Command(name = "demo", mixinStandardHelpOptions = true, description = "Run the demo.")
final class DemoCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        return OutriggerCli.FAILURE;
    }
}
