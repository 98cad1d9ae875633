"""Reference: PyTorch/transformers prefill and greedy decode speed on a safetensors
checkpoint, same prompt text and thread count as `cargo bench --bench decode`.

usage: python3 benches/transformers_decode.py MODEL_DIR PROMPT.txt THREADS DECODE_TOKENS REPEATS [DTYPE]
DTYPE: bfloat16, float16, float32 or auto (the checkpoint's own, the default).
Prints one line in the same shape as the candle lines.
"""
import statistics
import sys
import time

import torch
from transformers import AutoModelForCausalLM, AutoTokenizer

path, prompt_file, threads, n_decode, repeats = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
dtype = sys.argv[6] if len(sys.argv) > 6 else "auto"
torch.set_num_threads(threads)
tok = AutoTokenizer.from_pretrained(path)
model = AutoModelForCausalLM.from_pretrained(path, dtype=dtype if dtype == "auto" else getattr(torch, dtype))
model.eval()
ids = tok(open(prompt_file, encoding="utf-8").read(), return_tensors="pt", add_special_tokens=False).input_ids


@torch.inference_mode()
def once():
    t0 = time.perf_counter()
    out = model(ids, use_cache=True)
    past = out.past_key_values
    nxt = out.logits[:, -1, :].argmax(-1, keepdim=True)
    t1 = time.perf_counter()
    for _ in range(n_decode):
        out = model(nxt, past_key_values=past, use_cache=True)
        past = out.past_key_values
        nxt = out.logits[:, -1, :].argmax(-1, keepdim=True)
    t2 = time.perf_counter()
    return ids.shape[1] / (t1 - t0), n_decode / (t2 - t1)


once()  # warm-up
runs = [once() for _ in range(repeats)]
print(
    f"threads={threads} prompt_tokens={ids.shape[1]} decode_tokens={n_decode} "
    f"prefill_tok_s={statistics.median(r[0] for r in runs):.1f} "
    f"decode_tok_s={statistics.median(r[1] for r in runs):.1f} (median of {repeats}) dtype={model.dtype}"
)
