import Foundation

/// A Foundation file error as a plain reason a person can act on ("no such file or folder", "permission
/// denied", "it is a folder"), instead of `NSCocoaErrorDomain error 256` or a `UserInfo` dump.
public func describeFileError(_ error: any Error) -> String {
    let nsError = error as NSError
    // The operating system's own reason is the most precise, when Foundation kept it.
    if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
        return posixReason(Int32(underlying.code))
    }
    if nsError.domain == NSPOSIXErrorDomain { return posixReason(Int32(nsError.code)) }
    if let cocoa = error as? CocoaError {
        switch cocoa.code {
        case .fileNoSuchFile, .fileReadNoSuchFile: return "no such file or folder"
        case .fileReadNoPermission, .fileWriteNoPermission: return "permission denied"
        case .fileWriteFileExists: return "a file or folder of that name already exists"
        case .fileWriteOutOfSpace: return "the disk is full"
        case .fileWriteVolumeReadOnly: return "the disk is read-only"
        case .fileReadCorruptFile: return "the file is damaged or not in the expected format"
        case .fileReadInapplicableStringEncoding: return "the file is not UTF-8 text"
        case .fileReadTooLarge: return "the file is too large to read"
        default: break
        }
    }
    if let path = nsError.userInfo[NSFilePathErrorKey] as? String {
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) {
            return isFolder.boolValue ? "it is a folder, not a file" : "it cannot be read or written here"
        }
        let parent = (path as NSString).deletingLastPathComponent
        return FileManager.default.fileExists(atPath: parent.isEmpty ? "." : parent) ? "no such file" : "its folder \(parent) does not exist"
    }
    return "a file operation failed (\(nsError.domain) \(nsError.code))"
}

/// The path a Foundation file error names, when it names one.
public func failedPath(of error: any Error) -> String? {
    (error as NSError).userInfo[NSFilePathErrorKey] as? String
        ?? ((error as NSError).userInfo[NSURLErrorKey] as? URL)?.path
}

private func posixReason(_ code: Int32) -> String {
    switch code {
    case ENOENT: return "no such file or folder"
    case EACCES, EPERM: return "permission denied"
    case EISDIR: return "it is a folder, not a file"
    case ENOTDIR: return "a part of the path is a file, not a folder"
    case EEXIST: return "a file or folder of that name already exists"
    case ENOSPC: return "the disk is full"
    case EROFS: return "the disk is read-only"
    default: return String(cString: strerror(code)).lowercased()
    }
}
