#!/bin/bash
# Jenkins controller on Amazon Linux 2023: Java, Git and Jenkins from its stable package
# repository, then the SSH key the controller uses to reach its agents.
# Placeholders in double braces are filled in at deploy time by the stack.
set -euo pipefail

dnf -y install java-17-amazon-corretto-headless git
curl -fsSL -o /etc/yum.repos.d/jenkins.repo https://pkg.jenkins.io/redhat-stable/jenkins.repo
rpm --import https://pkg.jenkins.io/redhat-stable/jenkins.io-2023.key
dnf -y install jenkins
systemctl enable --now jenkins

# The agents' private key, kept by EC2 in Parameter Store (never in the template): add it
# in Jenkins as an "SSH Username with private key" credential for user ec2-user.
install -d -m 700 -o jenkins -g jenkins /var/lib/jenkins/.ssh
aws ssm get-parameter --region {{REGION}} --with-decryption \
  --name {{AGENT_KEY_PARAMETER}} --query Parameter.Value --output text \
  > /var/lib/jenkins/.ssh/agent_key
chown jenkins:jenkins /var/lib/jenkins/.ssh/agent_key
chmod 600 /var/lib/jenkins/.ssh/agent_key
