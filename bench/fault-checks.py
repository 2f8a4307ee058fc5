#!/usr/bin/env python3
"""The measuring side of bench/fault-checks.sh: HTTP calls, JSON, the store's files and the filler of a full disk.

The shell script starts, kills and restarts the service; this program does everything that reads answers:

  job-body     writes a training job's body: GoEmotions train rows over two labels, renamed so that no served
               model knows them (if_better then always deploys, so every phase of a job happens)
  watch        polls one job every --interval seconds and, the first time its progress shows --on PHASE, sends
               SIGKILL to --kill PID (or fills the disk of --fill DIR); prints what it saw as JSON
  leftovers    what a killed process left in the store (temporaries), as JSON
  after-kill   the checks after a restart on the store of a killed job; prints one markdown row
  disk         the full-disk checks against a service whose store is on a small tmpfs; prints markdown rows

Only the Python standard library: the script must run on any machine that runs the service.
"""
import argparse
import json
import os
import random
import signal
import sys
import threading
import time

from bench_http import Client

FINAL = ("SUCCEEDED", "FAILED", "CANCELLED")
TEMP_INFIX = ".tmp-"  # io/AtomicFiles.TEMP_INFIX: hidden temporaries are ".NAME.tmp-UUID"


# ------------------------------------------------------------------------------------------------ HTTP
def problem_json(status, ctype):
    return "application/problem+json" in ctype


def short(text, n=90):
    text = " ".join(str(text).split())
    return text if len(text) <= n else text[: n - 1] + "…"


# ------------------------------------------------------------------------------------------------ job bodies
def examples(train_tsv, labels_txt, pairs, n):
    """n rows: about n/(k+1) positives per label and the rest with none of them, in file order."""
    names = [line.strip() for line in open(labels_txt, encoding="utf-8")]
    alias = dict(pairs)
    want = [p[0] for p in pairs]
    cap = n // (len(want) + 1)
    pos = {w: 0 for w in want}
    neg = 0
    out = []
    with open(train_tsv, encoding="utf-8") as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if len(parts) < 2 or not parts[0].strip():
                continue
            mine = [names[int(i)] for i in parts[1].split(",") if names[int(i)] in alias]
            if mine and all(pos[m] < cap for m in mine):
                for m in mine:
                    pos[m] += 1
                out.append({"text": parts[0], "labels": [alias[m] for m in mine]})
            elif not mine and neg < n - cap * len(want):
                neg += 1
                out.append({"text": parts[0], "labels": []})
            if len(out) >= n:
                break
    return out


def job_body(a, suffix=None):
    suffix = suffix or a.suffix
    pairs = [("gratitude", "thanks_" + suffix), ("amusement", "funny_" + suffix)]
    return {
        "name": "fault-checks " + suffix,
        "training_data": {"examples": examples(a.train_tsv, a.labels_txt, pairs, a.examples)},
        "labels": [p[1] for p in pairs],
        "validation_data": {"split": a.split},
        "parameters": {"train": a.train, "epochs": a.epochs},
        "deploy": a.deploy,
    }


def cmd_job_body(a):
    json.dump(job_body(a), sys.stdout)


def run_job(client, body, timeout=300, interval=0.2):
    """Submits and waits for the end; the job as last seen (or the refusal as {'status': 'REFUSED ...'})."""
    st, job, ctype, raw = client.post_json("/train-jobs", body)
    if st != 202 or not job:
        return {"status": "REFUSED %d" % st, "error": short((job or {}).get("detail", raw[:200]))}
    deadline = time.time() + timeout
    while time.time() < deadline:
        st, j, _, _ = client.get("/train-jobs/" + job["id"])
        if st == 200 and j["status"] in FINAL:
            return j
        time.sleep(interval)
    return {"id": job["id"], "status": "TIMEOUT (still %s after %d s)" % (j.get("status") if j else "?", timeout)}


# ------------------------------------------------------------------------------------------------ disk filler
def fill(disk, leave):
    """Takes the free space of disk's file system down to `leave` bytes with filler files; returns bytes free after.

    posix_fallocate reserves the blocks without writing them (fast); with leave=0 the last few pages are written
    with zeros until ENOSPC, so that not even a small JSON record fits any more.
    """
    def free():
        s = os.statvfs(disk)
        return s.f_bavail * s.f_frsize

    want = (free() - leave) // 4096 * 4096
    k = 0
    while want > 0:
        path = os.path.join(disk, "filler-%d-%d" % (os.getpid(), random.randrange(1 << 30)))
        fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
        try:
            os.posix_fallocate(fd, 0, want)
            want = 0
        except OSError:
            want //= 2  # a concurrent writer took some of it: reserve what is there
        finally:
            os.close(fd)
        k += 1
        if k > 30:
            break
    if leave == 0:
        path = os.path.join(disk, "filler-tail-%d" % random.randrange(1 << 30))
        with open(path, "wb", buffering=0) as f:
            block = b"\0" * 4096
            try:
                for _ in range(1 << 20):
                    f.write(block)
            except OSError:
                pass
            for size in (512, 64, 1):
                try:
                    for _ in range(4096):
                        f.write(b"\0" * size)
                except OSError:
                    pass
    return free()


def unfill(disk):
    for name in os.listdir(disk):
        if name.startswith("filler-"):
            os.remove(os.path.join(disk, name))


# ------------------------------------------------------------------------------------------------ watch
def condition(then, job):
    """The moment inside a phase to act at, as a test on the store's files; None: act when the phase shows.

    temp:DIR     the job's model is half-written: its hidden temporary folder in DIR holds a file with bytes in it
    pointer:FILE the deploy has recorded the new model as served (FILE names it) and is loading it
    """
    if not then:
        return None
    kind, path = then.split(":", 1)
    prefix = ".model-%s%s" % (job, TEMP_INFIX)
    if kind == "temp":
        def temp():
            try:
                for d in os.listdir(path):
                    if d.startswith(prefix):
                        sizes = [os.path.getsize(os.path.join(path, d, f)) for f in os.listdir(os.path.join(path, d))]
                        if any(sizes):
                            return "its temporary folder held %d file(s), %d bytes" % (len(sizes), sum(sizes))
            except OSError:
                pass  # the folder was renamed or removed between two calls
            return None
        return temp
    if kind == "pointer":
        def pointer():
            try:
                with open(path, encoding="utf-8") as f:
                    if ("model-" + job) in f.read():
                        return "serving.json named the new model"
            except OSError:
                pass
            return None
        return pointer
    raise SystemExit("unknown --then " + then)


def cmd_watch(a):
    c = Client(a.url, timeout=10)
    if a.body:
        # submitted here, so that the first poll's bound on when a phase began is the submit, not this start
        with open(a.body, "rb") as f:
            st, job, _, raw = c.call("POST", "/train-jobs", f.read(), {"Content-Type": "application/json"})
        if st != 202:
            raise SystemExit("POST /train-jobs answered %d: %s" % (st, raw[:300]))
        a.job = job["id"]
    t0 = time.time()
    seen = []  # [phase, seconds since the watch began], each phase once, in order
    last_poll = t0
    out = {"job": a.job, "caught": False, "phase": a.on, "then": a.then.split(":")[0] if a.then else None}
    deadline = t0 + a.timeout
    ready = condition(a.then, a.job)
    j = None

    def act(t_phase):
        if a.fill:
            out["free_after_fill"] = fill(a.fill, 0)
        if a.kill:
            os.kill(a.kill, signal.SIGKILL)
        acted = time.time()
        # the phase began after the previous poll's answer and before this one's: an upper bound
        out.update(caught=True, at_s=round(acted - t0, 3), within_ms=round((acted - t_phase) * 1000))

    while time.time() < deadline:
        before = time.time()
        st, j, _, _ = c.get("/train-jobs/" + a.job)
        now = time.time()
        if st != 200 or not j:
            out["error"] = "GET /train-jobs/%s answered %d" % (a.job, st)
            break
        phase = (j.get("progress") or {}).get("phase") if j["status"] == "RUNNING" else j["status"]
        if phase and (not seen or seen[-1][0] != phase):
            seen.append([phase, round(now - t0, 3)])
        if j["status"] == "RUNNING" and phase == a.on and not out["caught"]:
            if ready is None:
                act(last_poll)
            else:
                # in the phase: test the files every 0.5 ms, the job every interval, until the moment or its end
                next_poll = time.time() + a.interval
                while time.time() < deadline:
                    what = ready()
                    if what:
                        act(last_poll)
                        out["moment"] = what
                        break
                    if time.time() >= next_poll:
                        st, j, _, _ = c.get("/train-jobs/" + a.job)
                        next_poll = time.time() + a.interval
                        p2 = (j.get("progress") or {}).get("phase") if st == 200 and j["status"] == "RUNNING" \
                            else (j or {}).get("status")
                        if p2 != a.on:
                            if p2:
                                seen.append([p2, round(time.time() - t0, 3)])
                            out["missed"] = "the phase ended before: %s" % a.then.split(":")[0]
                            break
                    time.sleep(0.0005)
                if not out["caught"] and j and j.get("status") in FINAL:
                    break
            if a.kill and out["caught"]:
                break
        if j["status"] in FINAL:
            break
        last_poll = before
        time.sleep(a.interval if not out["caught"] else 0.1)
    out["seen"] = seen
    if j:
        out["status"] = j.get("status")
        out["error"] = j.get("error") or out.get("error")
        out["deployment"] = (j.get("result") or {}).get("deployment")
    json.dump(out, sys.stdout)


# ------------------------------------------------------------------------------------------------ store files
def temporaries(store):
    """Hidden temporaries (.NAME.tmp-UUID) anywhere, and what upload-tmp/ and tmp/ hold: paths under the store."""
    found = []
    for root, dirs, files in os.walk(store):
        rel = os.path.relpath(root, store)
        rel = "" if rel == "." else rel
        for name in dirs + files:
            if name.startswith(".") and TEMP_INFIX in name:
                found.append(os.path.join(rel, name))
        if rel in ("upload-tmp", "tmp"):
            found += [os.path.join(rel, n) for n in dirs + files]
        # a temporary folder's own content is not listed again
        dirs[:] = [d for d in dirs if not (d.startswith(".") and TEMP_INFIX in d)]
        if rel in ("upload-tmp", "tmp"):
            dirs[:] = []
    return sorted(set(found))


def json_files(store):
    """(files that parse, [files that do not]) over every *.json (and every line of every *.jsonl)."""
    ok, bad = 0, []
    for root, dirs, files in os.walk(store):
        for name in files:
            path = os.path.join(root, name)
            try:
                if name.endswith(".json"):
                    with open(path, encoding="utf-8") as f:
                        json.load(f)
                elif name.endswith(".jsonl"):
                    with open(path, encoding="utf-8") as f:
                        for line in f:
                            if line.strip():
                                json.loads(line)
                else:
                    continue
                ok += 1
            except (ValueError, UnicodeDecodeError, OSError) as e:
                bad.append("%s (%s)" % (os.path.relpath(path, store), short(e, 60)))
    return ok, bad


def cmd_leftovers(a):
    json.dump({"temporaries": temporaries(a.store)}, sys.stdout)


def all_jobs(c):
    jobs, page = [], 0
    while True:
        st, d, _, _ = c.get("/train-jobs?page=%d&size=100" % page)
        if st != 200:
            return None
        jobs += d["items"]
        if len(jobs) >= d["total"] or not d["items"]:
            return jobs
        page += 1


def model_check(c, store, served_ok_job=None):
    """Orphans on disk, bad entries in GET /models; returns (problems, listing, detail)."""
    problems = []
    st, listing, _, _ = c.get("/models")
    if st != 200:
        return ["GET /models answered %d" % st], None, ""
    items = {m["id"]: m for m in listing["items"]}
    jobs = {j["id"]: j for j in (all_jobs(c) or [])}
    on_disk = sorted(n for n in os.listdir(os.path.join(store, "models"))
                     if os.path.isdir(os.path.join(store, "models", n)))
    for n in on_disk:
        if n.startswith("."):
            problems.append("temporary %s left in models/" % n)
        elif n not in items:
            problems.append("models/%s on disk but not in GET /models" % n)
    for mid, m in items.items():
        if mid.startswith(".") or TEMP_INFIX in mid or not m.get("version"):
            problems.append("GET /models lists %s (version %s)" % (mid, m.get("version")))
        job = m.get("job")
        if job:
            status = (jobs.get(job) or {}).get("status")
            if status != "SUCCEEDED" and not m.get("serving"):
                problems.append("%s belongs to job %s, %s, and is not served" % (mid, job, status))
    unlisted = [n for n in on_disk if n not in items]
    return problems, listing, "%d model folder(s) on disk, %s; %d listed with the built-in" % (
        len(on_disk), "all listed" if not unlisted else "%d not listed" % len(unlisted), len(items))


def classify_ok(c):
    st, d, _, _ = c.post_json("/classify", {"texts": ["Thank you so much, that was hilarious!"]})
    return st


def cmd_after_kill(a):
    c = Client(a.url)
    old = json.loads(a.old_current)
    left = json.load(open(a.left))["temporaries"]
    problems = []
    facts = []

    # 1. no job left RUNNING or QUEUED: recovery ran before readiness; a queued one (none is expected) gets 60 s
    deadline = time.time() + 60
    while True:
        jobs = all_jobs(c) or []
        live = [j["id"] + " " + j["status"] for j in jobs if j["status"] in ("RUNNING", "QUEUED")]
        if not live or time.time() > deadline:
            break
        time.sleep(1)
    if live:
        problems.append("still live after 60 s: " + ", ".join(live))
    st, killed, _, _ = c.get("/train-jobs/" + a.job)
    k_status = (killed or {}).get("status")
    k_error = (killed or {}).get("error") or ""
    if k_status == "FAILED" and k_error:
        facts.append('killed job FAILED: "%s"' % short(k_error, 70))
    elif k_status == "SUCCEEDED":
        facts.append("killed job resumed and SUCCEEDED")
    else:
        problems.append("killed job is %s (%s)" % (k_status, short(k_error, 60)))
    facts.append("%d live job(s)" % len(live))

    # 2. models: every folder listed, nothing temporary listed, no model of a failed job unless served
    mp, listing, mdetail = model_check(c, a.store)
    problems += mp
    facts.append(mdetail)
    facts.append("left by the kill: %s" % (", ".join(left) if left else "nothing temporary"))
    now_left = temporaries(a.store)
    if now_left:
        problems.append("temporaries after the restart: " + ", ".join(now_left))

    # 3. served: the old model, or the whole new one (the version its folder has), and /classify answers with it
    st, cur, _, _ = c.get("/models/current")
    new_id = "model-" + a.job
    listed = {m["id"]: m for m in (listing or {}).get("items", [])}
    if st == 200 and cur["id"] == old["id"] and cur.get("version") == old["version"]:
        served = "the old model %s" % cur["id"]
    elif st == 200 and cur["id"] == new_id and cur.get("version") == (listed.get(new_id) or {}).get("version"):
        served = "the new model %s (version %s, whole)" % (cur["id"], cur["version"])
    else:
        served = None
        problems.append("serving %s (status %d)" % (cur and (cur.get("id"), cur.get("version")), st))
    cst = classify_ok(c)
    if cst != 200:
        problems.append("/classify answered %d" % cst)
    if served:
        facts.append("serving %s, /classify %d" % (served, cst))

    # 4. every JSON file in the store parses
    ok, bad = json_files(a.store)
    if bad:
        problems.append("JSON that does not parse: " + ", ".join(bad[:3]))
    facts.append("%d JSON/JSONL file(s) parse, %d do not" % (ok, len(bad)))

    # 5. a new job runs to the end
    a.suffix, a.examples, a.train, a.epochs, a.deploy, a.split = "after" + "".join(ch for ch in a.phase if ch.isalnum()), 60, "head", 5, "never", 0.2
    nxt = run_job(c, job_body(a))
    if nxt["status"] != "SUCCEEDED":
        problems.append("next job %s: %s" % (nxt["status"], short(nxt.get("error", ""), 60)))
    facts.append("next job %s" % nxt["status"])

    w = json.load(open(a.watch))
    moment = "job %s (%s), killed %.2f s after it was submitted, %d ms or less into `%s`%s; phases seen: %s" % (
        a.job, a.shape, w["at_s"], w["within_ms"], w["phase"], ", when " + w["moment"] if w.get("moment") else "",
        " → ".join(p for p, _ in w["seen"]))
    result = "PASS" if not problems else "FAIL"
    check = "kill -9 at `%s`%s" % (w["phase"], {"temp": ", its model half-written",
                                                 "pointer": ", after the served-model record"}.get(w.get("then"), ""))
    print("| %s | %s | %s | %s |" % (check, moment, "; ".join(facts + problems), result))
    sys.exit(0 if not problems else 1)


# ------------------------------------------------------------------------------------------------ the full disk
class Lister(threading.Thread):
    """Polls GET /datasets and GET /models throughout the disk checks: what a client listing them could ever see."""

    def __init__(self, url, interval=0.2):
        super().__init__(daemon=True)
        self.c = Client(url)
        self.interval = interval
        self.stop = threading.Event()
        self.polls = 0
        self.statuses = {}
        self.bad = []

    def run(self):
        while not self.stop.is_set():
            for path in ("/datasets", "/models"):
                st, d, _, _ = self.c.get(path)
                self.polls += 1
                self.statuses[st] = self.statuses.get(st, 0) + 1
                for item in (d or {}).get("items", []) if st == 200 else []:
                    iid = item.get("id", "")
                    complete = item.get("version") if path == "/models" else item.get("rows")
                    if iid.startswith(".") or TEMP_INFIX in iid or not complete:
                        self.bad.append("%s lists %s" % (path, iid))
            self.stop.wait(self.interval)


class Disk:
    def __init__(self, a):
        self.a = a
        self.c = Client(a.url)
        self.rows = []
        self.failed = False
        self.answers = []  # (what, status, problem+json?) of every write sent while the disk was full

    def row(self, check, moment, seen, ok):
        self.rows.append("| %s | %s | %s | %s |" % (check, moment, seen, "PASS" if ok else "FAIL"))
        self.failed |= not ok
        print("[fault-checks] %s: %s" % (check, "PASS" if ok else "FAIL"), file=sys.stderr)

    def readiness(self, want, wait=10):
        """Waits up to `wait` s (the store check is cached 3 s) for readiness to be UP or DOWN; what it said."""
        deadline = time.time() + wait
        while True:
            st, d, _, _ = self.c.get("/actuator/health/readiness")
            store = ((d or {}).get("components") or {}).get("store") or {}
            state = "%s (%d), store %s" % ((d or {}).get("status"), st, store.get("status"))
            if (d or {}).get("status") == want and store.get("status") == want or time.time() > deadline:
                err = (store.get("details") or {}).get("error")
                return (d or {}).get("status") == want, state + (': "%s"' % short(err, 70) if err else "")
            time.sleep(0.5)

    def write(self, what, status, ctype):
        self.answers.append((what, status, problem_json(status, ctype)))
        return "%s %d%s" % (what, status, " problem+json" if problem_json(status, ctype) else "")

    def body(self, suffix, train="top_layers:1", deploy="never", epochs=1):
        a = argparse.Namespace(**vars(self.a))
        a.examples, a.train, a.epochs, a.deploy, a.split = 60, train, epochs, deploy, 0.2
        return job_body(a, suffix)

    def upload(self, path, name):
        boundary = "faultchecks%d" % random.randrange(1 << 40)
        with open(path, "rb") as f:
            data = f.read()
        head = ("--%s\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\n%s\r\n"
                "--%s\r\nContent-Disposition: form-data; name=\"format\"\r\n\r\njsonl\r\n"
                "--%s\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.jsonl\"\r\n"
                "Content-Type: application/octet-stream\r\n\r\n" % (boundary, name, boundary, boundary)).encode()
        body = head + data + ("\r\n--%s--\r\n" % boundary).encode()
        return self.c.call("POST", "/datasets", body, {"Content-Type": "multipart/form-data; boundary=" + boundary})

    def full_moment_ok(self):
        return all(st != 500 and st != 0 and (st < 400 or pj) for _, st, pj in self.answers)

    def run(self):
        a, disk, store = self.a, self.a.disk, self.a.store
        lister = Lister(a.url)
        lister.start()
        up0, _ = self.readiness("UP", wait=15)

        # ---- 1. a dataset upload larger than the free space
        size = os.path.getsize(a.dataset_file)
        free = fill(disk, a.leave)
        down, ready_full = self.readiness("DOWN")
        st, d, ctype, _ = self.upload(a.dataset_file, "too-big")
        seen = [self.write("POST /datasets", st, ctype)]
        if d and d.get("detail"):
            seen[-1] += ' "%s"' % short(d["detail"], 60)
        _, ds, _, _ = self.c.get("/datasets")
        names = [x.get("name") for x in (ds or {}).get("items", [])]
        left = temporaries(store)
        unfill(disk)
        up, ready_after = self.readiness("UP")
        st2, d2, _, _ = self.upload(a.dataset_file, "after-full")
        st3 = self.c.call("DELETE", "/datasets/" + d2["id"])[0] if st2 == 201 else 0
        ok = (st == 507 or 400 <= st < 500 or st == 503) and problem_json(st, ctype) and "too-big" not in names \
            and not left and down and up and st2 == 201
        self.row("full disk during a dataset upload",
                 "%.1f MB JSONL (multipart) with %.1f MB free" % (size / 2**20, free / 2**20),
                 "; ".join(seen + ["listed after it: %d dataset(s), %s" % (len(names), "none named too-big"
                                                                           if "too-big" not in names else "too-big!"),
                                   "left on disk: %s" % (", ".join(left) or "nothing"),
                                   "readiness while full: " + ready_full, "after removing the filler: " + ready_after,
                                   "the same upload then %d, its delete %d" % (st2, st3)]), ok)

        # ---- 2. the disk fills while a job trains: filled at `training`, an epoch's record is the first write to
        # fail; filled at `validating` (no write of its own), writing the model is
        stored_model = None
        for phase, what in (("training", "an epoch's record"), ("validating", "writing the model")):
            stored_model = self.train_full(phase, what) or stored_model

        # ---- 3. deploys with a full disk: by hand, and a job's own deploy
        _, cur0, _, _ = self.c.get("/models/current")
        fill(disk, 0)
        st5, d5, ctype5, _ = self.c.call("POST", "/models/%s/deploy" % stored_model)
        manual = self.write("POST /models/{id}/deploy", st5, ctype5)
        _, cur1, _, _ = self.c.get("/models/current")
        unfill(disk)
        self.readiness("UP")
        same = cur1 and cur1["id"] == cur0["id"] and cur1.get("version") == cur0.get("version")
        ok = st5 != 500 and 400 <= st5 < 600 and problem_json(st5, ctype5) and same
        self.row("full disk, deploy by hand", "POST /models/%s/deploy with 0 bytes free" % stored_model,
                 "%s%s; served after it: %s (%s)" % (manual, ' "%s"' % short(d5.get("detail"), 60)
                                                     if d5 and d5.get("detail") else "", cur1 and cur1["id"],
                                                     "unchanged" if same else "CHANGED"), ok)

        st, job, _, _ = self.c.post_json("/train-jobs", self.body("deployfull", deploy="if_better"))
        jid = job["id"]
        # `comparing` comes just before the deploy writes the served-version pointer: filled then, the deploy's
        # first write meets the full disk (filling at `deploying` would race that write, a matter of microseconds)
        w = self.watch(jid, "comparing")
        down, ready_full = self.readiness("DOWN")
        _, cur2, _, _ = self.c.get("/models/current")
        _, ml, _, _ = self.c.get("/models")
        listed = {m["id"]: m for m in (ml or {}).get("items", [])}
        left = temporaries(store)
        cst = classify_ok(self.c)
        unfill(disk)
        up, ready_after = self.readiness("UP")
        err = w.get("error") or ""
        dep = w.get("deployment") or {}
        reason = err if w.get("status") == "FAILED" else dep.get("reason", "")
        spacey = any(k in reason.lower() for k in ("space", "full", "quota"))
        mid = "model-" + jid
        served_new = cur2 and cur2["id"] == mid
        # consistent ends: FAILED and its model gone (or served whole), or SUCCEEDED without the deploy
        consistent = (w.get("status") == "FAILED" and (mid not in listed or served_new)) or \
                     (w.get("status") == "SUCCEEDED" and dep.get("deployed") is False)
        unchanged = cur2 and cur2["id"] == cur0["id"]
        nxt = run_job(self.c, self.body("afterdeploy", deploy="if_better"))
        ndep = (nxt.get("result") or {}).get("deployment") or {}
        _, cur3, _, _ = self.c.get("/models/current")
        ok = (w.get("caught") and spacey and consistent and unchanged and cst == 200 and not left and down and up
              and nxt["status"] == "SUCCEEDED" and ndep.get("deployed")
              and cur3["id"] == (nxt.get("result") or {}).get("model_id"))
        self.row("full disk during a job's deploy",
                 "job %s (if_better), filled when `comparing` showed%s; phases seen: %s" % (
                     jid, "" if w.get("caught") else " (NOT CAUGHT)", " → ".join(p for p, _ in w.get("seen", []))),
                 "; ".join(['job %s%s: "%s"' % (w.get("status"), ", deployed %s" % dep.get("deployed")
                                                 if dep else "", short(reason, 90)),
                            "served: %s (%s), /classify %d" % (cur2 and cur2["id"],
                                                               "unchanged" if unchanged else "CHANGED", cst),
                            "%s listed: %s" % (mid, "yes" if mid in listed else "no"),
                            "left on disk: %s" % (", ".join(left) or "nothing"),
                            "readiness while full: " + ready_full, "after: " + ready_after,
                            "next job %s, deployed %s, now serving %s" % (nxt["status"], ndep.get("deployed"),
                                                                          cur3 and cur3["id"])]), ok)

        self.bulk_full()

        lister.stop.set()
        lister.join(5)
        ok_json, bad_json = json_files(store)
        ok = not lister.bad and set(lister.statuses) == {200} and not bad_json and self.full_moment_ok() and up0
        self.row("listings and files through the disk checks",
                 "GET /datasets and GET /models every 0.2 s from start to end",
                 "%d listings: %s; bad entries: %s; every write answer problem+json, never 500: %s; "
                 "%d JSON/JSONL file(s) parse, %d do not" % (
                     lister.polls, ", ".join("%d x %d" % (n, s) for s, n in sorted(lister.statuses.items())),
                     ", ".join(sorted(set(lister.bad))[:3]) or "none",
                     "yes" if self.full_moment_ok() else "NO (%s)" % self.answers, ok_json, len(bad_json)), ok)

    def train_full(self, phase, what):
        """A job whose disk fills at `phase`; returns the model of the job that then runs on the freed disk."""
        a, disk, store = self.a, self.a.disk, self.a.store
        st, job, _, _ = self.c.post_json("/train-jobs", self.body("full" + phase, epochs=2))
        jid = job["id"]
        w = self.watch(jid, phase)
        down, ready_full = self.readiness("DOWN")
        st4, d4, ctype4, _ = self.c.post_json("/train-jobs", self.body("whilefull"))
        submit = self.write("POST /train-jobs", st4, ctype4)
        _, ml, _, _ = self.c.get("/models")
        listed = [m["id"] for m in (ml or {}).get("items", [])]
        left = temporaries(store)
        unfill(disk)
        up, ready_after = self.readiness("UP")
        err = w.get("error") or ""
        spacey = any(k in err.lower() for k in ("space", "full", "quota"))
        nxt = run_job(self.c, self.body("after" + phase))
        # the failed job's end could not be written while full: the next write that succeeded wrote it
        try:
            on_disk = json.load(open(os.path.join(store, "jobs", jid + ".json"))).get("status")
        except (OSError, ValueError) as e:
            on_disk = "unreadable (%s)" % short(e, 40)
        ok = (w.get("caught") and w.get("status") == "FAILED" and spacey and ("model-" + jid) not in listed
              and not left and down and up and nxt["status"] == "SUCCEEDED" and 400 <= st4 < 600 and st4 != 500
              and problem_json(st4, ctype4) and on_disk == "FAILED")
        self.row("full disk during training (%s)" % what,
                 "job %s (top_layers:1, 2 epochs), filled when `%s` showed%s; phases seen: %s" % (
                     jid, phase, "" if w.get("caught") else " (NOT CAUGHT: the job ended first)",
                     " → ".join(p for p, _ in w.get("seen", []))),
                 "; ".join(['job %s: "%s"' % (w.get("status"), short(err, 80)),
                            "a job submitted while full: " + submit,
                            "model-%s listed: %s" % (jid, "yes!" if ("model-" + jid) in listed else "no"),
                            "left on disk: %s" % (", ".join(left) or "nothing"),
                            "readiness while full: " + ready_full, "after: " + ready_after,
                            "next job %s, the failed job's file now says %s" % (nxt["status"], on_disk)]), ok)
        return (nxt.get("result") or {}).get("model_id")

    def jsonl_dataset(self, name, n):
        """A stored dataset of the first n GoEmotions train texts (no labels: a bulk job reads only the texts)."""
        lines = []
        with open(self.a.train_tsv, encoding="utf-8") as f:
            for line in f:
                lines.append(json.dumps({"text": line.split("\t")[0], "labels": []}))
                if len(lines) >= n:
                    break
        st, d, _, raw = self.c.call("POST", "/datasets?name=" + name, "\n".join(lines).encode(),
                                    {"Content-Type": "application/jsonl"})
        if st != 201:
            raise RuntimeError("POST /datasets answered %d: %s" % (st, raw[:200]))
        return d["id"]

    def bulk_full(self):
        """The disk fills while a bulk classification job appends its results."""
        disk = self.a.disk
        big, small = self.jsonl_dataset("bulk-600", 600), self.jsonl_dataset("bulk-100", 100)
        st, job, _, raw = self.c.post_json("/classify-jobs", {"dataset_id": big})
        if st != 202:
            raise RuntimeError("POST /classify-jobs answered %d: %s" % (st, raw[:200]))
        jid = job["id"]
        deadline = time.time() + 120
        j = job
        while time.time() < deadline and j["status"] not in FINAL and j.get("processed", 0) < 64:
            time.sleep(0.02)
            j = self.c.get("/classify-jobs/" + jid)[1]
        at = j.get("processed", 0)
        caught = j["status"] == "RUNNING"
        if caught:
            fill(disk, 0)
        deadline = time.time() + 60
        while time.time() < deadline and j["status"] not in FINAL:
            time.sleep(0.2)
            j = self.c.get("/classify-jobs/" + jid)[1]
        down, ready_full = self.readiness("DOWN")
        st2, d2, ctype2, _ = self.c.post_json("/classify-jobs", {"dataset_id": small})
        submit = self.write("POST /classify-jobs", st2, ctype2)
        unfill(disk)
        up, ready_after = self.readiness("UP")
        rst, _, _, body = self.c.get("/classify-jobs/%s/results" % jid)
        lines = [x for x in body.decode("utf-8", "replace").split("\n") if x]
        try:
            for x in lines:
                json.loads(x)
            parse = "all %d parse" % len(lines)
        except ValueError:
            parse = "a line does not parse"
        # the job's end could not be written while full: written once there is room (the runner's idle loop)
        path = os.path.join(self.a.store, "classify-jobs", jid, "job.json")
        on_disk, deadline = None, time.time() + 10
        while time.time() < deadline:
            try:
                on_disk = json.load(open(path)).get("status")
            except (OSError, ValueError):
                on_disk = "unreadable"
            if on_disk == j["status"]:
                break
            time.sleep(0.5)
        # a job that was refused while full is sent again now; one that was queued then must run too
        if st2 != 202:
            st2, d2, _, _ = self.c.post_json("/classify-jobs", {"dataset_id": small})
        nxt = {"status": "REFUSED %d" % st2}
        if st2 == 202:
            deadline = time.time() + 90
            while time.time() < deadline:
                nxt = self.c.get("/classify-jobs/" + d2["id"])[1]
                if nxt["status"] in FINAL:
                    break
                time.sleep(0.3)
        err = j.get("error") or ""
        ok = (caught and j["status"] == "FAILED" and any(k in err.lower() for k in ("space", "full")) and down and up
              and rst == 200 and parse.startswith("all") and on_disk == "FAILED" and nxt["status"] == "SUCCEEDED"
              and st2 != 500)
        self.row("full disk during a bulk classify job",
                 "job %s (600 texts), filled once %d results showed%s" % (jid, at, "" if caught else " (NOT CAUGHT)"),
                 "; ".join(['job %s after %d results: "%s"' % (j["status"], j.get("processed", 0), short(err, 80)),
                            "a bulk job submitted while full: " + submit,
                            "readiness while full: " + ready_full, "after: " + ready_after,
                            "results %d, %s" % (rst, parse), "its file says %s once there is room" % on_disk,
                            "next bulk job (100 texts) %s" % nxt["status"]]), ok)

    def watch(self, jid, phase):
        """Like `watch --fill`: polls the job, fills the disk when `phase` shows, follows the job to its end."""
        args = argparse.Namespace(url=self.a.url, job=jid, body=None, on=phase, kill=None, fill=self.a.disk, then=None,
                                  interval=0.02,
                                  timeout=300)
        from io import StringIO
        saved, sys.stdout = sys.stdout, StringIO()
        try:
            cmd_watch(args)
            return json.loads(sys.stdout.getvalue())
        finally:
            sys.stdout = saved


def cmd_disk(a):
    d = Disk(a)
    try:
        d.run()
    except Exception as e:  # a check that cannot go on is a failed check, with its reason in the table
        d.row("disk checks", "stopped by an error", short(repr(e), 150), False)
    finally:
        unfill(a.disk)
    print("\n".join(d.rows))
    sys.exit(1 if d.failed else 0)


def cmd_full_restart(a):
    """After a kill -9 with the disk full and a restart on that full store: it must start, serve and recover."""
    c = Client(a.url)
    d = Disk(a)
    problems, facts = [], []
    w = json.load(open(a.watch))
    # the service was waited for on liveness: the served model loads after start, readiness shows when it is in
    deadline = time.time() + 120
    while time.time() < deadline:
        st, h, _, _ = c.get("/actuator/health/readiness")
        if (((h or {}).get("components") or {}).get("model") or {}).get("status") == "UP":
            break
        time.sleep(0.5)
    down, ready = d.readiness("DOWN", wait=10)
    facts.append("started; readiness " + ready)
    if not down:
        problems.append("readiness is not DOWN on a full store")
    cst = classify_ok(c)
    facts.append("/classify %d" % cst)
    if cst != 200:
        problems.append("/classify answered %d" % cst)
    st, job, _, _ = c.get("/train-jobs/" + a.job)
    jobs = all_jobs(c) or []
    live = [j["id"] for j in jobs if j["status"] in ("RUNNING", "QUEUED")]
    facts.append('killed job %s: "%s"; %d live job(s)' % ((job or {}).get("status"),
                                                          short((job or {}).get("error"), 60), len(live)))
    if (job or {}).get("status") != "FAILED" or live:
        problems.append("the killed job is not FAILED, or a job is still live")

    def on_disk():
        try:
            return json.load(open(os.path.join(a.store, "jobs", a.job + ".json"))).get("status")
        except (OSError, ValueError) as e:
            return "unreadable (%s)" % short(e, 40)

    while_full = on_disk()
    unfill(a.disk)
    up, ready_after = d.readiness("UP", wait=10)
    if not up:
        problems.append("readiness not UP after the filler went")
    a.suffix, a.examples, a.train, a.epochs, a.deploy, a.split = "afterfullrestart", 60, "head", 5, "never", 0.2
    nxt = run_job(c, job_body(a))
    after = on_disk()
    facts.append("its file said %s while full, %s after the next job (%s)" % (while_full, after, nxt["status"]))
    if nxt["status"] != "SUCCEEDED" or after != "FAILED":
        problems.append("the next job or the killed job's record is wrong")
    mp, _, mdetail = model_check(c, a.store)
    problems += mp
    left = temporaries(a.store)
    if left:
        problems.append("temporaries: " + ", ".join(left))
    ok, bad = json_files(a.store)
    if bad:
        problems.append("JSON that does not parse: " + ", ".join(bad[:3]))
    facts += ["after: " + ready_after, mdetail, "%d JSON/JSONL file(s) parse, %d do not" % (ok, len(bad))]
    moment = "job %s filled and then killed %.2f s after it was submitted, in `%s`; restarted on the full store" % (
        a.job, w.get("at_s", -1), w.get("phase"))
    print("| kill -9 with the disk full, restart on it | %s | %s | %s |" % (
        moment, "; ".join(facts + problems), "FAIL" if problems else "PASS"))
    sys.exit(1 if problems else 0)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)

    def data(s):
        s.add_argument("--train-tsv", required=True)
        s.add_argument("--labels-txt", required=True)

    s = sub.add_parser("job-body")
    data(s)
    s.add_argument("--suffix", required=True)
    s.add_argument("--examples", type=int, default=60)
    s.add_argument("--train", default="top_layers:1")
    s.add_argument("--epochs", type=int, default=1)
    s.add_argument("--split", type=float, default=0.2)
    s.add_argument("--deploy", default="if_better")
    s = sub.add_parser("watch")
    s.add_argument("--url", required=True)
    s.add_argument("--job", help="a job to watch; or --body, a job to submit and watch")
    s.add_argument("--body")
    s.add_argument("--on", required=True)
    s.add_argument("--kill", type=int)
    s.add_argument("--fill")
    s.add_argument("--then", help="temp:MODELS_DIR or pointer:SERVING_JSON, see condition()")
    s.add_argument("--interval", type=float, default=0.02)
    s.add_argument("--timeout", type=float, default=300)
    s = sub.add_parser("leftovers")
    s.add_argument("--store", required=True)
    s = sub.add_parser("after-kill")
    data(s)
    for k in ("--url", "--store", "--job", "--phase", "--shape", "--old-current", "--left", "--watch"):
        s.add_argument(k, required=True)
    s = sub.add_parser("disk")
    data(s)
    for k in ("--url", "--store", "--disk", "--dataset-file"):
        s.add_argument(k, required=True)
    s.add_argument("--leave", type=int, default=4 << 20)
    s = sub.add_parser("full-restart")
    data(s)
    for k in ("--url", "--store", "--disk", "--job", "--watch"):
        s.add_argument(k, required=True)
    a = p.parse_args()
    {"job-body": cmd_job_body, "watch": cmd_watch, "leftovers": cmd_leftovers, "after-kill": cmd_after_kill,
     "disk": cmd_disk, "full-restart": cmd_full_restart}[a.cmd](a)


if __name__ == "__main__":
    main()
