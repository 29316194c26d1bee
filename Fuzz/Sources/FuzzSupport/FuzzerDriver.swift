/// libFuzzer's driver (compiler-rt). SwiftPM links an executable target's `main` to
/// `<module>_main`, so libFuzzer's own `main` is not used: each target's `<module>_main` calls
/// ``runFuzzer(_:_:_:)`` with its `LLVMFuzzerTestOneInput`.
@_silgen_name("LLVMFuzzerRunDriver")
func runFuzzerDriver(_ argc: UnsafeMutablePointer<CInt>,
                     _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
                     _ callback: @convention(c) (UnsafePointer<UInt8>, Int) -> CInt) -> CInt

/// The fuzzing loop over `testOneInput`, with libFuzzer's command line.
public func runFuzzer(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?,
                      _ testOneInput: @convention(c) (UnsafePointer<UInt8>, Int) -> CInt) -> CInt {
    var argc = argc
    var argv = argv
    return runFuzzerDriver(&argc, &argv, testOneInput)
}

/// Stops the run with `message` when `condition` fails: libFuzzer reports it as a crash and
/// writes the input to `crash-*` (a `precondition` that survives `-O`).
public func require(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String) {
    if !condition() { fatalError(message()) }
}
