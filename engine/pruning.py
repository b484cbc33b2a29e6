"""Finished iterations of a standard loop out of the live task tree (issue 14, point 4).

SpiffWorkflow 3.2 keeps every iteration of a standard loop (`standardLoopCharacteristics`, the bounded
loop DESIGN.md asks designers to draw for repeats such as progress reviews) as a completed child of the
loop task, and every called process of such an iteration in `workflow.subprocesses`. Nothing reads them
again: the loop counts its iterations by the ids it keeps in `internal_data["merged"]` and has merged
each iteration's data into its own when it finished. Yet every walk over the tree (Spiff's
`do_engine_steps`, our ready and waiting queries) and every snapshot pays for them, so a case's command
cost grew with its history: 5.8 ms at 10 events, 13 ms at 500 (bench.growth).

After every run of the engine (instances.advance, which every command, the audit replay and the snapshot
catch-up end in) the finished iterations of a running loop are dropped, all but the latest: it keeps
the element visible to coverage (`visited_nodes`) and the case path, which reads the count of the
dropped ones from `PRUNED`. The state digest covers open tasks, timers and data, none of which changes,
so digests recorded before this pruning existed still verify.

Left alone: loop-backs through a gateway (the repeated tasks are each other's ancestors; dropping them
means re-rooting the tree) and multi-instance tasks (a parallel one joins on its children's states).
"""
from __future__ import annotations

from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import StandardLoopTask
from SpiffWorkflow.util.task import TaskState

PRUNED = "traject_pruned_iterations"  # internal_data key of a loop task: how many iterations were dropped


def prune_finished_iterations(workflow) -> int:
    """Drop the finished iterations of every running standard loop (all but the latest); how many."""
    dropped = 0
    for owner in (workflow, *workflow.subprocesses.values()):
        loops = [t for t in owner.tasks.values()
                 if t.state == TaskState.STARTED and isinstance(t.task_spec, StandardLoopTask)]
        for loop in loops:
            dropped += _prune_loop(workflow, owner, loop)
    return dropped


def _prune_loop(top, owner, loop) -> int:
    merged = set(loop.internal_data.get("merged", ()))
    finished = [child for child in loop.children if str(child.id) in merged and _finished_leaf(top, child)]
    for child in finished[:-1]:  # the latest iteration stays
        if child.id in top.subprocesses:
            top.delete_subprocess(child)
        loop._children.remove(child.id)
        del owner.tasks[child.id]
    if len(finished) > 1:
        loop.internal_data[PRUNED] = loop.internal_data.get(PRUNED, 0) + len(finished) - 1
    return max(len(finished) - 1, 0)


def _finished_leaf(top, child) -> bool:
    """A completed iteration with nothing under it in the tree; a called process of it has ended."""
    if child.state != TaskState.COMPLETED or child._children:
        return False
    called = top.subprocesses.get(child.id)
    return called is None or called.is_completed()
