# png.py FILE COLOUR...: what a screenshot shows, for html-browser.  Reads
# an 8-bit RGB or RGBA PNG (not interlaced) with nothing but zlib, and
# prints the share of pixels that are neither white nor the page's
# background (#f1f5f9), then for each COLOUR (rrggbb) whether some pixel
# has it.  A blank or failed render has no such pixels.
import struct, sys, zlib

def pixels(path):
    data = open(path, 'rb').read()
    if data[:8] != b'\x89PNG\r\n\x1a\n':
        sys.exit('not a PNG')
    pos, idat = 8, b''
    while pos < len(data):
        n, kind = struct.unpack('>I4s', data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b'IHDR':
            w, h, depth, ctype, _, _, lace = struct.unpack('>IIBBBBB', body)
        elif kind == b'IDAT':
            idat += body
        pos += 12 + n
    if depth != 8 or ctype not in (2, 6) or lace:
        sys.exit('unsupported PNG')
    bpp = 3 if ctype == 2 else 4
    raw, stride, prev = zlib.decompress(idat), w * bpp, bytearray(w * bpp)
    for y in range(h):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else
                    b if pb <= pc else c)) & 255
        prev = line
        for x in range(w):
            yield bytes(line[x * bpp:x * bpp + 3])

seen, n, ink = set(), 0, 0
for px in pixels(sys.argv[1]):
    n += 1
    if px not in (b'\xff\xff\xff', b'\xf1\xf5\xf9'):
        ink += 1
    seen.add(px)
print('ink: %s' % ('yes' if ink * 100 >= n else 'no'))
for c in sys.argv[2:]:
    print('#%s: %s' % (c, 'yes' if bytes.fromhex(c) in seen else 'no'))
