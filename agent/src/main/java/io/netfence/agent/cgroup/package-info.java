/**
 * The cgroup2 filesystem: finding the mount, opening, creating, killing and removing cgroups,
 * walking and watching the tree. A cgroup's id is read here and nowhere else. Uses the loader's
 * MountInfo only.
 */
package io.netfence.agent.cgroup;
