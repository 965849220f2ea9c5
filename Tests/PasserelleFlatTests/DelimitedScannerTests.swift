import Testing
@testable import PasserelleFlat

struct DelimitedScannerTests {
    /// Scans all records of `text` and returns their decoded fields.
    func records(_ text: String, delimiter: Character = ";", escape: EscapeStyle = .doubled) -> [[String]] {
        let scanner = DelimitedScanner(
            layout: DelimitedLayout(delimiter: delimiter.asciiValue ?? 0x3B, escape: escape), lineEnding: .auto)
        let bytes = Array(text.utf8)
        var result: [[String]] = []
        var fields: [FieldSpan] = []
        bytes.withUnsafeBufferPointer { buffer in
            var position = 0
            while position < buffer.count {
                guard case .record(let span) = scanner.scan(buffer, from: position, atEnd: true, fields: &fields) else { return }
                fields.withUnsafeBufferPointer { fields in
                    let columns = DelimitedColumns(
                        buffer: buffer, fields: fields, recordStart: span.start, recordNumber: 1, line: 1,
                        decoder: TextDecoder(.utf8), escape: escape, quote: 0x22)
                    result.append((0..<columns.count).map { index in
                        if case .text(let value, _) = columns.text(at: index) { return value }
                        return "<undecodable>"
                    })
                }
                position = span.next
            }
        }
        return result
    }

    @Test func quotedFieldsKeepDelimitersQuotesAndLineBreaks() {
        let rows = records("a;\"b;c\";\"d \"\"e\"\"\"\r\n\"x\r\ny\";z\n")
        #expect(rows == [["a", "b;c", "d \"e\""], ["x\r\ny", "z"]])
    }

    @Test func lfAndCrlfTerminatorsBothEndRecords() {
        #expect(records("a;b\nc;d\r\ne;f") == [["a", "b"], ["c", "d"], ["e", "f"]])
    }

    @Test func emptyFieldsAndRaggedRowsAreKept() {
        #expect(records(";;\r\na\r\n") == [["", "", ""], ["a"]])
    }

    @Test func backslashEscapes() {
        #expect(records("a\\;b;c\n", escape: .backslash) == [["a;b", "c"]])
        #expect(records("\"say \\\"hi\\\"\";x\n", escape: .backslash) == [["say \"hi\"", "x"]])
    }

    @Test func innerLineBreaksAreCounted() {
        let scanner = DelimitedScanner(layout: DelimitedLayout(delimiter: 0x3B), lineEnding: .auto)
        var fields: [FieldSpan] = []
        let bytes = Array("\"a\nb\nc\";d\r\nnext".utf8)
        let result = bytes.withUnsafeBufferPointer { scanner.scan($0, from: 0, atEnd: false, fields: &fields) }
        guard case .record(let span) = result else {
            Issue.record("expected a record")
            return
        }
        #expect(span.innerLineBreaks == 2)
        #expect(span.terminator == .crlf)
        #expect(fields.count == 2)
    }

    @Test func incompleteRecordAsksForMoreInput() {
        let scanner = DelimitedScanner(layout: DelimitedLayout(delimiter: 0x3B), lineEnding: .auto)
        var fields: [FieldSpan] = []
        for text in ["a;\"open", "a;b", "a;\"closed\"", "a;\"x\"\r"] {
            let bytes = Array(text.utf8)
            let result = bytes.withUnsafeBufferPointer { scanner.scan($0, from: 0, atEnd: false, fields: &fields) }
            #expect(result == .needMoreInput, "\(text)")
        }
    }

    @Test func textAfterClosingQuoteIsAProblem() {
        let scanner = DelimitedScanner(layout: DelimitedLayout(delimiter: 0x3B), lineEnding: .auto)
        var fields: [FieldSpan] = []
        let bytes = Array("\"ab\"cd;e\n".utf8)
        let result = bytes.withUnsafeBufferPointer { scanner.scan($0, from: 0, atEnd: true, fields: &fields) }
        guard case .record(let span) = result else {
            Issue.record("expected a record")
            return
        }
        #expect(span.problem?.kind == .textAfterClosingQuote)
        #expect(span.problem?.offset == 4)
        #expect(fields.count == 2)
    }
}
