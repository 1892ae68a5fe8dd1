import Foundation

/// The most memory this process has had resident so far, in bytes: `ru_maxrss` from
/// `getrusage(RUSAGE_SELF, …)` (KiB on Linux, bytes on Darwin). The processes it started are
/// not counted; 0 when the call fails.
///
/// The memory map of the store counts as far as its pages were touched, so a process that
/// searched a large store shows part of the store's data file here.
func peakResidentBytes() -> Int {
    var usage = rusage()
    #if canImport(Darwin)
    guard getrusage(RUSAGE_SELF, &usage) == 0 else { return 0 }
    return Int(usage.ru_maxrss)
    #else
    // Glibc imports RUSAGE_SELF as a member of the C enum, getrusage's parameter as an int.
    guard getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage) == 0 else { return 0 }
    return Int(usage.ru_maxrss) * 1024
    #endif
}

/// Bytes in MiB.
func mebibytes(_ bytes: Int) -> Double {
    Double(bytes) / 1_048_576
}
