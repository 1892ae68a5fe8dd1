// A writer process for the LMDB multi-process tests.
//
//   lmdb-test-writer PATH WRITER COUNT [VALUE_BYTES]
//
// Opens the environment at PATH with a small map (so that the writers grow it under each
// other's feet) and commits COUNT transactions. Each one stores `WRITER-i` with a value of
// VALUE_BYTES bytes in database "entries" and increments the shared 8-byte counter "counter"
// in database "meta" (a read-modify-write that loses updates unless writers are serialised).
// Exits 0 on success, 1 with a message on standard error otherwise.

import LMDB

#if canImport(Glibc)
import Glibc
#endif

func fail(_ message: String, status: Int32) -> Never {
    var text = message + "\n"
    text.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
    exit(status)
}

let arguments = CommandLine.arguments
guard arguments.count >= 4, let count = Int(arguments[3]) else {
    fail("usage: lmdb-test-writer PATH WRITER COUNT [VALUE_BYTES]", status: 2)
}
let path = arguments[1]
let writer = arguments[2]
let valueBytes = arguments.count > 4 ? Int(arguments[4]) ?? 64 : 64

do {
    let env = try Environment(path: path, options: .init(mapSize: 256 << 10, maxMapSize: 1 << 30))
    let entries = try env.openDatabase(named: "entries")
    let meta = try env.openDatabase(named: "meta")
    let value = [UInt8](repeating: UInt8(ascii: "x"), count: valueBytes)
    for i in 0..<count {
        try env.write { txn in
            let current = try txn.get("counter", in: meta).map { bytes in
                bytes.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
            } ?? 0
            try txn.put(current + 1, forKey: "counter", in: meta)
            try txn.put(value, forKey: "\(writer)-\(i)", in: entries, flags: .noOverwrite)
        }
    }
} catch {
    fail("lmdb-test-writer \(writer): \(error)", status: 1)
}
