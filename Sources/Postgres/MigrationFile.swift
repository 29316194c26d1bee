import Foundation

/// One `NNN_name.sql` file of a migrations directory.
struct MigrationFile: Sendable {
    let version: Int
    let name: String
    let url: URL
    let contents: Data

    var fileName: String { url.lastPathComponent }

    /// The SQL text; migrations must be UTF-8.
    func sql() throws -> String {
        guard let text = String(data: contents, encoding: .utf8) else {
            throw PostgresError(kind: .migration, message: "\(url.path): the file is not valid UTF-8")
        }
        return text
    }

    /// Lists the directory's `.sql` files in version order; rejects badly named or duplicate
    /// versions before anything touches the database. Other files (README.md) are ignored.
    static func load(from directory: URL) throws -> [MigrationFile] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        } catch {
            throw PostgresError(
                kind: .migration, message: "cannot list the migrations directory \(directory.path): \(error.localizedDescription)")
        }
        var files: [MigrationFile] = []
        for fileName in names.sorted() where fileName.hasSuffix(".sql") && !fileName.hasPrefix(".") {
            let url = directory.appendingPathComponent(fileName)
            guard let (version, name) = parse(fileName) else {
                throw PostgresError(
                    kind: .migration,
                    message: "\(url.path): migration file names must look like NNN_name.sql (e.g. 001_create_tables.sql)")
            }
            if let clash = files.first(where: { $0.version == version }) {
                throw PostgresError(
                    kind: .migration,
                    message: "\(url.path): version \(version) is also used by \(clash.fileName); give each migration its own number")
            }
            let contents: Data
            do {
                contents = try Data(contentsOf: url)
            } catch {
                throw PostgresError(kind: .migration, message: "\(url.path): cannot read the file: \(error.localizedDescription)")
            }
            files.append(MigrationFile(version: version, name: name, url: url, contents: contents))
        }
        return files.sorted { $0.version < $1.version }
    }

    /// `001_create_tables.sql` → (1, "create_tables"); nil when the name does not fit the pattern.
    static func parse(_ fileName: String) -> (version: Int, name: String)? {
        guard fileName.hasSuffix(".sql"), let underscore = fileName.firstIndex(of: "_") else { return nil }
        let digits = fileName[..<underscore]
        let name = fileName[fileName.index(after: underscore)...].dropLast(4)
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "_-."))
        guard !digits.isEmpty, digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber), let version = Int(digits),
            !name.isEmpty, name.unicodeScalars.allSatisfy(allowed.contains)
        else { return nil }
        return (version, String(name))
    }
}
