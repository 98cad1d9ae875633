"""Requantised copies of a GGUF file with llama.cpp's quantizer (llama-cpp-python), for
`cargo bench --bench decode`. Copies go to OUT_DIR; the source file is never changed.

usage: python3 benches/requantize.py SOURCE.gguf OUT_DIR FORMAT...   (Q4_0 Q4_K_M Q5_K_M Q8_0)
Prints one path per line, for the formats it made (existing copies are reused).
"""
import os
import sys

import llama_cpp

FTYPES = {"Q4_0": 2, "Q4_1": 3, "Q5_0": 8, "Q5_1": 9, "Q8_0": 7, "Q4_K_M": 15, "Q5_K_M": 17, "Q6_K": 18}
src, out_dir, formats = sys.argv[1], sys.argv[2], sys.argv[3:]
os.makedirs(out_dir, exist_ok=True)
stem = os.path.splitext(os.path.basename(src))[0]
for fmt in formats:
    dst = os.path.join(out_dir, f"{stem}.requant-{fmt}.gguf")
    if not os.path.exists(dst):
        params = llama_cpp.llama_model_quantize_default_params()
        params.ftype = FTYPES[fmt]
        params.allow_requantize = True
        params.nthread = 2
        rc = llama_cpp.llama_model_quantize(src.encode(), dst.encode(), params)
        if rc != 0:
            print(f"quantize {fmt} failed ({rc})", file=sys.stderr)
            continue
    print(dst)
