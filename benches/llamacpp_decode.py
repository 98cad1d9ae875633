"""Reference: llama.cpp (via llama-cpp-python) prefill and greedy decode speed
on the same GGUF, prompt and thread count as `cargo bench --bench decode`.

usage: python3 benches/llamacpp_decode.py MODEL.gguf PROMPT.txt THREADS DECODE_TOKENS REPEATS
Prints one line in the same shape as the candle lines.
"""
import statistics
import sys
import time

import numpy as np
from llama_cpp import Llama

path, prompt_file, threads, n_decode, repeats = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
llm = Llama(model_path=path, n_threads=threads, n_threads_batch=threads, n_ctx=1024, n_batch=512, verbose=False)
tokens = llm.tokenize(open(prompt_file, encoding="utf-8").read().encode("utf-8"), add_bos=False, special=True)


def once():
    llm.reset()
    t0 = time.perf_counter()
    llm.eval(tokens)
    t1 = time.perf_counter()
    for _ in range(n_decode):
        nxt = int(np.argmax(llm.scores[llm.n_tokens - 1]))
        llm.eval([nxt])
    t2 = time.perf_counter()
    return len(tokens) / (t1 - t0), n_decode / (t2 - t1)


once()  # warm-up
runs = [once() for _ in range(repeats)]
print(
    f"threads={threads} prompt_tokens={len(tokens)} decode_tokens={n_decode} "
    f"prefill_tok_s={statistics.median(r[0] for r in runs):.1f} "
    f"decode_tok_s={statistics.median(r[1] for r in runs):.1f} (median of {repeats})"
)
