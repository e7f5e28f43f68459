/// The single output allocation shared by the encoders (RLP, ABI): a `[UInt8]` of exactly `count` bytes, all
/// written by `body` through a raw pointer.
///
/// `[UInt8](unsafeUninitializedCapacity:)` is not used for small outputs: it allocates through the
/// standard library's unspecialised `Array._allocateBufferUninitialized` (`@inline(never)`, not inlinable),
/// which looks `_ContiguousArrayStorage<UInt8>`'s metadata up in the runtime's generic-metadata cache on
/// every call: about 360 of the 600 instructions of a 128-byte typed ABI encode under callgrind, and 10% of an
/// RLP transaction encode under perf. Writing into a stack buffer and copying it with
/// `[UInt8](UnsafeRawBufferPointer)` allocates through the inlined, specialised `_ContiguousArrayBuffer`
/// initialiser instead (a cached metadata load); copying a few hundred bytes costs far less than the lookup.
/// Outputs over `stackLimit` bytes are written in place.
@usableFromInline
enum OutputBytes {
    /// The largest output built in a stack buffer before being copied into its array.
    @inlinable static var stackLimit: Int { 1024 }

    /// `count` bytes written by `body` (which must initialise all of them), in a new array.
    @inlinable @inline(__always)
    static func make(count: Int, _ body: (UnsafeMutableRawPointer) -> Void) -> [UInt8] {
        if count > 0 && count <= stackLimit {
            return withUnsafeTemporaryAllocation(byteCount: count, alignment: 16) { scratch in
                body(scratch.baseAddress!)
                return [UInt8](UnsafeRawBufferPointer(scratch))
            }
        }
        return [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            if count > 0 { body(UnsafeMutableRawPointer(buffer.baseAddress!)) }
            initialized = count
        }
    }
}
