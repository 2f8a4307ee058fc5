#!/usr/bin/env python3
"""The HTTP side of bench/shutdown-check.sh (Python standard library only).

  arm      submits a train=all job and, once it trains, a bulk job; waits until both are RUNNING (the training job
           in its `training` phase, past a given step; the bulk job with results); prints their ids as JSON
  streams  opens event streams of both jobs and follows them to their end; says when all are open (a file), then
           writes what each one saw: how it ended (the server completing it, the connection breaking, or nothing
           before the deadline: a hang) and when
  phase    one look at a job (for the moment of the signal)
  on-disk  the jobs as the store's files say, while no service runs
  after    after the restart on the same store: the checks' rows (markdown) and exit 1 when one fails
"""
import argparse
import json
import os
import random
import socket
import threading
import time
import urllib.parse

from bench_http import Client

FINAL = ("SUCCEEDED", "FAILED", "CANCELLED")


def rows_of(tsv):
    with open(tsv, encoding="utf-8") as f:
        return [line.rstrip("\n").split("\t") for line in f if line.strip()]


def settle(c, path, seconds):
    """The job's status when first read, and the job once it has ended (or as it is after seconds)."""
    job = c.get(path)[1]
    first = (job or {}).get("status")
    deadline = time.time() + seconds
    while job and job["status"] not in FINAL and time.time() < deadline:
        time.sleep(1)
        job = c.get(path)[1]
    return first, job


def wait_for(what, seconds, probe, every=0.2):
    """Calls probe until it returns something true; that value, or raises after seconds."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        v = probe()
        if v:
            return v
        time.sleep(every)
    raise SystemExit("shutdown-check: %s did not happen within %d s" % (what, seconds))


# ------------------------------------------------------------------------------------------------------- arm
def arm(a):
    c = Client(a.url, timeout=30)
    names = [x.strip() for x in open(a.labels_txt, encoding="utf-8")]
    rows = rows_of(a.train_tsv)
    random.seed(11)
    random.shuffle(rows)
    ex = [{"text": r[0], "labels": [names[int(i)] for i in r[1].split(",")]} for r in rows[: a.examples]]
    body = {"name": "shutdown-check", "training_data": {"examples": ex}, "validation_data": {"split": 0.2},
            "parameters": {"train": "all", "epochs": a.epochs, "batch_size": 16, "max_tokens": 64}}
    st, job = c.post_json("/train-jobs", body)[:2]
    if st != 202:
        raise SystemExit("shutdown-check: POST /train-jobs answered %d: %s" % (st, job))
    train = job["id"]
    def training(j):
        p = (j or {}).get("progress") or {}
        return j and j["status"] == "RUNNING" and p.get("phase") == "training" and (p.get("step") or 0) >= a.at_step

    wait_for("job %s's training step %d" % (train, a.at_step), a.timeout,
             lambda: training(c.get("/train-jobs/" + train)[1]))

    # The bulk job reads a stored dataset of dev-like texts (labels are not needed for classification).
    lines = "\n".join(json.dumps({"text": r[0], "labels": []}) for r in rows[a.examples: a.examples + a.bulk_texts])
    st, ds = c.call("POST", "/datasets?name=shutdown-bulk", lines.encode(), {"Content-Type": "application/jsonl"})[:2]
    if st != 201:
        raise SystemExit("shutdown-check: POST /datasets answered %d: %s" % (st, ds))
    st, bj = c.post_json("/classify-jobs", {"dataset_id": ds["id"]})[:2]
    if st != 202:
        raise SystemExit("shutdown-check: POST /classify-jobs answered %d: %s" % (st, bj))
    bulk = bj["id"]
    wait_for("bulk job %s's first results" % bulk, a.timeout,
             lambda: (lambda j: j and j["status"] == "RUNNING" and j.get("processed", 0) > 0 and j)(
                 c.get("/classify-jobs/" + bulk)[1]))
    print(json.dumps({"train": train, "bulk": bulk, "bulk_total": bj.get("total"), "examples": a.examples,
                      "epochs": a.epochs}))


# --------------------------------------------------------------------------------------------------- streams
def follow(url, path, deadline, out):
    """Reads one event stream until it ends; fills out with what it saw.

    A raw socket rather than http.client: a read timeout between two events must not lose a partly read chunk, and
    the chunked body's terminating chunk is the proof that the server completed the response (a connection that
    just closes means the process went away under it)."""
    u = urllib.parse.urlparse(url)
    out.update(path=path, status=None, events=[], last_job_status=None, end=None, ended_at=None, opened_at=None)
    try:
        sock = socket.create_connection((u.hostname, u.port), timeout=10)
    except OSError as e:
        out.update(end="refused: %s" % type(e).__name__, ended_at=time.time())
        return
    sock.settimeout(1)
    raw, body, head = b"", b"", None
    try:
        sock.sendall(("GET %s HTTP/1.1\r\nHost: %s:%d\r\nAccept: text/event-stream\r\nConnection: close\r\n\r\n"
                      % (path, u.hostname, u.port)).encode())
        while True:
            try:
                data = sock.recv(65536)
            except TimeoutError:
                # quiet between events (a job's progress comes every few seconds): a hang only past the deadline
                if time.time() > deadline:
                    out.update(end="hang: still open at the deadline")
                    return
                continue
            if not data:
                out.update(end="broken: the connection closed inside the response", ended_at=time.time())
                return
            raw += data
            if head is None:
                if b"\r\n\r\n" not in raw:
                    continue
                head, raw = raw.split(b"\r\n\r\n", 1)
                lines = head.decode("latin-1").split("\r\n")
                out["status"] = int(lines[0].split()[1])
                out["opened_at"] = time.time()
                chunked = any(x.lower().startswith("transfer-encoding:") and "chunked" in x.lower() for x in lines)
                if out["status"] != 200 or not chunked:
                    out.update(end="refused %d" % out["status"], ended_at=time.time())
                    return
            # chunks: "<hex size>\r\n<bytes>\r\n", the last of size 0
            while b"\r\n" in raw:
                size_line, rest = raw.split(b"\r\n", 1)
                size = int(size_line.split(b";")[0], 16)
                if size == 0:
                    out.update(end="completed", ended_at=time.time())
                    return
                if len(rest) < size + 2:
                    break
                body += rest[:size]
                raw = rest[size + 2:]
            # whole lines only: a chunk may end inside a line, or inside a character
            *complete, body = body.split(b"\n")
            for line in complete:
                line = line.decode("utf-8", "replace").rstrip("\r")
                if line.startswith("event:"):
                    out["events"].append(line[6:].strip())
                elif line.startswith("data:"):
                    try:
                        out["last_job_status"] = json.loads(line[5:]).get("status")
                    except ValueError:
                        pass
    except OSError as e:
        out.update(end="broken: %s" % type(e).__name__, ended_at=time.time())
    finally:
        sock.close()


def streams(a):
    paths = (["/train-jobs/%s/events" % a.train] * a.train_streams
             + ["/classify-jobs/%s/events" % a.bulk] * a.bulk_streams)
    deadline = time.time() + a.deadline
    results = [{} for _ in paths]
    threads = [threading.Thread(target=follow, args=(a.url, p, deadline, results[i]), daemon=True)
               for i, p in enumerate(paths)]
    for t in threads:
        t.start()
    # open = answered 200 and its first event (the job as it is) read
    wait_for("%d event streams opening" % len(paths), 60,
             lambda: all(r.get("events") or r.get("end") for r in results), every=0.05)
    with open(a.ready, "w") as f:
        f.write(json.dumps([r.get("end") for r in results]))
    for t in threads:
        t.join(max(0.0, deadline - time.time()) + 2)
    with open(a.out, "w") as f:
        json.dump(results, f)


# ----------------------------------------------------------------------------------------------------- phase
def phase(a):
    c = Client(a.url, timeout=30)
    j = c.get("/train-jobs/" + a.train)[1]
    b = c.get("/classify-jobs/" + a.bulk)[1]
    print(json.dumps({"train_status": (j or {}).get("status"), "train_phase": ((j or {}).get("progress") or {}).get(
        "phase"), "train_step": ((j or {}).get("progress") or {}).get("step"), "bulk_status": (b or {}).get("status"),
        "bulk_processed": (b or {}).get("processed")}))


# --------------------------------------------------------------------------------------------------- on-disk
def find_job_file(root, job_id):
    for d, _, files in os.walk(root):
        for name in files:
            if name.endswith(".json") and job_id in os.path.join(d, name):
                p = os.path.join(d, name)
                try:
                    doc = json.load(open(p, encoding="utf-8"))
                except (OSError, ValueError):
                    continue
                if isinstance(doc, dict) and doc.get("id") == job_id:
                    return p, doc
    return None, None


def on_disk(a):
    _, t = find_job_file(os.path.join(a.store, "jobs"), a.train)
    _, b = find_job_file(os.path.join(a.store, "classify-jobs"), a.bulk)
    print(json.dumps({"train": (t or {}).get("status"), "train_error": (t or {}).get("error"),
                      "bulk": (b or {}).get("status")}))


# ----------------------------------------------------------------------------------------------------- after
def after(a):
    armed = json.load(open(a.arm))
    seen = json.load(open(a.streams_out))
    at_signal = json.load(open(a.at_signal))
    disk = json.load(open(a.disk))
    sigterm = a.sigterm_us / 1e6
    rows, failed = [], False

    def row(check, measured, limit, ok):
        nonlocal failed
        failed |= not ok
        rows.append("| %s | %s | %s | %s |" % (check, measured, limit, "PASS" if ok else "FAIL"))

    stop = a.stop_seconds
    exited = stop != ""
    row("SIGTERM to exit, against the chart's grace period",
        ("%s s (exit status %s)" % (stop, a.exit_status)) if exited else "did not exit: killed after %s s" % a.wait,
        "%d s (helm/tagger terminationGracePeriodSeconds)" % a.grace, exited and float(stop) <= a.grace)
    row("SIGTERM to exit, against Spring's shutdown timeout",
        ("%s s" % stop) if exited else "did not exit",
        "%d s (spring.lifecycle.timeout-per-shutdown-phase)" % a.spring, exited and float(stop) <= a.spring)
    row("exit status", a.exit_status, "143 (SIGTERM, shutdown hooks done) or 0", a.exit_status in ("143", "0"))
    for kind, label in (("/train-jobs/", "training job"), ("/classify-jobs/", "bulk job")):
        mine = [s for s in seen if s.get("path", "").startswith(kind)]
        ends = [s.get("end") for s in mine]
        completed = [s for s in mine if s.get("end") == "completed" and s.get("ended_at")]
        after_sig = [s["ended_at"] - sigterm for s in completed]
        latest = max(after_sig) if after_sig else None
        statuses = sorted({str(s.get("last_job_status")) for s in mine})
        measured = "%d of %d completed by the server%s; last job status they carried: %s" % (
            len(completed), len(mine),
            (", %.1f to %.1f s after SIGTERM" % (min(after_sig), latest)) if after_sig else "",
            ", ".join(statuses))
        others = sorted({str(e) for e in ends if e != "completed"})
        if others:
            measured += "; others: " + ", ".join(others)
        ok = (len(mine) > 0 and len(completed) == len(mine) and exited and latest is not None
              and latest <= float(stop) + 0.5 and min(after_sig) >= 0)
        row("%s's event streams (%d) end, not hang" % (label, len(mine)), measured,
            "every one completed (chunked end) before the process exits", ok)

    c = Client(a.url, timeout=30)
    # the training job: resumable (queued or running again) or FAILED saying it was a shutdown, never left RUNNING
    first, j = settle(c, "/train-jobs/" + armed["train"], a.resume_wait)
    status, err = (j or {}).get("status"), (j or {}).get("error") or ""
    resumable = first in ("QUEUED", "RUNNING") and status in FINAL
    ok = (status == "FAILED" and "shutdown" in err.lower()) or resumable
    row("the training job after the restart",
        'in %s at SIGTERM (step %s); on disk after the exit: %s%s; after the restart: %s%s' % (
            at_signal.get("train_phase"), at_signal.get("train_step"), disk.get("train"),
            (' "%s"' % disk["train_error"]) if disk.get("train_error") else "", first,
            "" if status == first else " then " + str(status)) + (' "%s"' % err if err else ""),
        'FAILED with a reason naming the shutdown, or QUEUED/RUNNING again and then ended (within %d s)'
        % a.resume_wait, ok)

    # the bulk job: by design it resumes after its last complete result line
    bfirst, b = settle(c, "/classify-jobs/" + armed["bulk"], a.resume_wait)
    bstatus, berr = (b or {}).get("status"), (b or {}).get("error") or ""
    rst = c.get("/classify-jobs/%s/results" % armed["bulk"])[0] if bstatus == "SUCCEEDED" else None
    ok = ((bstatus == "SUCCEEDED" and b.get("processed") == b.get("total"))
          or (bstatus == "FAILED" and "shutdown" in berr.lower()))
    row("the bulk job after the restart",
        "%s texts done of %s at SIGTERM; on disk after the exit: %s; after the restart: %s%s, %s of %s texts%s" % (
            at_signal.get("bulk_processed"), armed.get("bulk_total"), disk.get("bulk"), bfirst,
            "" if bstatus == bfirst else " then " + str(bstatus), (b or {}).get("processed"), (b or {}).get("total"),
            (' "%s"' % berr) if berr else ""),
        "resumed to SUCCEEDED with every text (within %d s), or FAILED naming the shutdown" % a.resume_wait, ok)

    st = c.post_json("/classify", {"texts": ["Thank you so much!"]})[0]
    row("/classify after the restart", str(st), "200", st == 200)

    errors = [x.rstrip() for x in open(a.shutdown_log, encoding="utf-8", errors="replace") if " ERROR " in x]
    row("ERROR lines logged from SIGTERM to exit", "%d%s" % (len(errors), (": " + errors[0][:160].replace(
        "|", "/")) if errors else ""), "0", not errors)
    print("\n".join(rows))
    raise SystemExit(1 if failed else 0)


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("arm")
    s.add_argument("--url", required=True)
    s.add_argument("--train-tsv", required=True)
    s.add_argument("--labels-txt", required=True)
    s.add_argument("--examples", type=int, default=400)
    s.add_argument("--epochs", type=int, default=2)
    s.add_argument("--bulk-texts", type=int, default=3000)
    s.add_argument("--at-step", type=int, default=5)
    s.add_argument("--timeout", type=int, default=240)
    s = sub.add_parser("streams")
    s.add_argument("--url", required=True)
    s.add_argument("--train", required=True)
    s.add_argument("--bulk", required=True)
    s.add_argument("--train-streams", type=int, default=4)
    s.add_argument("--bulk-streams", type=int, default=2)
    s.add_argument("--deadline", type=int, default=180)
    s.add_argument("--ready", required=True)
    s.add_argument("--out", required=True)
    s = sub.add_parser("phase")
    s.add_argument("--url", required=True)
    s.add_argument("--train", required=True)
    s.add_argument("--bulk", required=True)
    s = sub.add_parser("on-disk")
    s.add_argument("--store", required=True)
    s.add_argument("--train", required=True)
    s.add_argument("--bulk", required=True)
    s = sub.add_parser("after")
    s.add_argument("--url", required=True)
    for name in ("--arm", "--streams-out", "--at-signal", "--disk", "--shutdown-log", "--exit-status"):
        s.add_argument(name, required=True)
    s.add_argument("--stop-seconds", default="")
    s.add_argument("--sigterm-us", type=int, required=True)
    s.add_argument("--grace", type=int, required=True)
    s.add_argument("--spring", type=int, required=True)
    s.add_argument("--wait", type=int, required=True)
    s.add_argument("--resume-wait", type=int, default=180)
    a = p.parse_args()
    {"arm": arm, "streams": streams, "phase": phase, "on-disk": on_disk, "after": after}[a.cmd](a)


if __name__ == "__main__":
    main()
