package dev.tagger.bench;

/**
 * Entry point of the benchmark's Java side, driven by bench/run.sh (not a test):
 * {@code ort}, {@code load}, {@code overload}, {@code bulk}, {@code longtext}, {@code cpu}, {@code encode} and {@code report}; see each command's javadoc.
 */
public final class BenchCli {

    private BenchCli() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            System.err.println("usage: BenchCli ort|load|overload|bulk|longtext|cpu|encode|report --key value ...");
            System.exit(2);
        }
        BenchArgs a = new BenchArgs(args, 1);
        switch (args[0]) {
            case "ort" -> OrtBench.command(a);
            case "cpu" -> CpuInfo.command(a);
            case "encode" -> EncodeBench.command(a);
            case "bulk" -> BulkBench.command(a);
            case "longtext" -> LongTextBench.command(a);
            case "load" -> LoadClient.loadCommand(a);
            case "overload" -> LoadClient.overloadCommand(a);
            case "report" -> {
                if (!Report.command(a)) {
                    System.exit(1);
                }
            }
            default -> {
                System.err.println("unknown command " + args[0]);
                System.exit(2);
            }
        }
        // HttpClient and ONNX Runtime threads must not keep the JVM alive.
        System.exit(0);
    }
}
