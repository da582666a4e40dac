#!/bin/bash
# Jenkins build agent on Amazon Linux 2023: Java for the agent process, Git, Docker to
# build the app's image, Python for its tests and Terraform, as the seeds' agents had.
set -euo pipefail

dnf -y install java-17-amazon-corretto-headless git docker python3 python3-pip dnf-plugins-core
systemctl enable --now docker
usermod -aG docker ec2-user

dnf config-manager --add-repo https://rpm.releases.hashicorp.com/AmazonLinux/hashicorp.repo
dnf -y install terraform
