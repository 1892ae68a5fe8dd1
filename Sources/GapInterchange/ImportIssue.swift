/// One problem found in an import file: where it is, which field, what is wrong and what to
/// do about it.
public struct ImportIssue: Sendable, Hashable, CustomStringConvertible {
    /// The line of the file the record starts on (1 is a CSV file's header); `nil` for a
    /// problem with the file as a whole.
    public let line: Int?
    /// The canonical field name (``InterchangeField/name``), if the problem is in one field.
    public let field: String?
    /// What is wrong and what to do.
    public let message: String

    public init(line: Int?, field: String?, message: String) {
        self.line = line
        self.field = field
        self.message = message
    }

    /// `line 12, title: the title is 412 characters; …`
    public var description: String {
        let place = [line.map { "line \($0)" }, field].compactMap { $0 }.joined(separator: ", ")
        return place.isEmpty ? message : "\(place): \(message)"
    }
}

/// Why an import wrote nothing: every problem found, each with its line.
public struct ImportError: Error, Sendable, CustomStringConvertible {
    /// Every problem, in file order.
    public let issues: [ImportIssue]
    /// Records read from the file (0 when the file itself could not be read).
    public let recordsRead: Int
    /// Records with at least one problem.
    public let invalidRecords: Int

    public init(issues: [ImportIssue], recordsRead: Int = 0, invalidRecords: Int = 0) {
        self.issues = issues
        self.recordsRead = recordsRead
        self.invalidRecords = invalidRecords
    }

    public var description: String {
        let summary = recordsRead > 0
            ? "\(invalidRecords) of \(recordsRead) records are invalid; nothing was imported. Fix them and import again, or import the valid ones with --skip-invalid (the rejected records go to a file you can fix and re-import)."
            : "nothing was imported."
        return (issues.map(\.description) + [summary]).joined(separator: "\n")
    }
}
