// Private networking (network.tf), on the Terraform as written: nothing while the option is off; with it on, the
// interface endpoints, their policies, the security group rules and the execution role's permissions, and no route
// out of a created VPC.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfiguration, find } from './lib/terraform.mjs';
import { allStatements } from './security.test.mjs';

const configuration = await loadConfiguration();
const local = (name) => configuration.locals.get(name)?.value;
const variable = (name) => configuration.variables.get(name).body;
const networkBlocks = [...configuration.resources, ...configuration.data.map(d => ({ ...d, kind: 'data' }))].filter(b => b.file === 'network.tf');

// The locals a network block may be keyed on, each empty unless create_vpc or vpc_subnet_ids is set.
const gates = {
  '${local.network}': '${local.in_vpc ? toset(["stack"]) : toset([])}',
  '${local.created_vpc}': '${var.create_vpc ? toset(["stack"]) : toset([])}',
  '${local.vpc_endpoints}': '${local.in_vpc ? toset(local.vpc_endpoint_services) : toset([])}',
  '${local.private_subnet_cidrs}': null, // a map over local.vpc_zones, checked below
  '${toset(var.vpc_subnet_ids)}': null, // empty by default, checked below
  '${local.use_existing_vpc ? toset(["stack"]) : toset([])}': null,
  '${local.in_vpc ? local.function_security_groups : {}}': null,
  '${setintersection(local.vpc_endpoints, toset(["events"]))}': null,
  '${setintersection(local.vpc_endpoints, toset(["xray"]))}': null,
};

test('off by default: create_vpc false and no subnets or security groups', () => {
  assert.equal(variable('create_vpc').default, false);
  assert.deepEqual(variable('vpc_subnet_ids').default, []);
  assert.deepEqual(variable('vpc_security_group_ids').default, []);
  assert.equal(local('use_existing_vpc'), '${length(var.vpc_subnet_ids) > 0}');
  assert.equal(local('in_vpc'), '${var.create_vpc || local.use_existing_vpc}');
  for (const [gate, definition] of Object.entries(gates)) {
    if (definition) assert.equal(local(gate.slice(8, -1)), definition, gate);
  }
  assert.equal(local('vpc_zones'), '${var.create_vpc ? slice(sort(data.aws_availability_zones.available["stack"].names), 0, var.vpc_availability_zone_count) : []}');
  assert.match(local('private_subnet_cidrs'), /^\$\{\{\s*for index, zone in local\.vpc_zones : zone => cidrsubnet\(var\.vpc_cidr_block, 4, index\)\s*\}\}$/);
});

test('no VPC resources when off: every block of network.tf is for_each over a gate, and so are the function\'s and the role\'s', () => {
  assert.ok(networkBlocks.length >= 12, `${networkBlocks.length} blocks`);
  for (const block of networkBlocks) {
    assert.ok(block.body.for_each in gates, `${block.type}.${block.name}: for_each ${block.body.for_each}`);
    assert.equal(block.body.count, undefined, `${block.type}.${block.name}`);
  }
  // Network resource types only in network.tf.
  const networkTypes = /^aws_(vpc|subnet|security_group|default_security_group|vpc_security_group_\w+|vpc_endpoint|internet_gateway|egress_only_internet_gateway|nat_gateway|route|route_table|route_table_association|eip|network_\w+)$/;
  assert.deepEqual(configuration.resources.filter(r => networkTypes.test(r.type) && r.file !== 'network.tf').map(r => `${r.file}: ${r.type}`), []);
  const lambda = find(configuration, 'aws_lambda_function', 'processor').body;
  assert.equal(lambda.vpc_config, undefined, 'vpc_config only as a dynamic block');
  assert.equal(lambda.dynamic.vpc_config[0].for_each, '${local.network}');
  const role = find(configuration, 'aws_iam_policy_document', 'processor', 'data').body;
  const ec2 = role.dynamic.statement.filter(d => d.content[0].actions.some(a => a.startsWith('ec2:')));
  assert.equal(ec2.length, 3);
  for (const statement of ec2) assert.equal(statement.for_each, '${local.network}');
  assert.ok(role.statement.every(s => s.actions.every(a => !a.startsWith('ec2:'))), 'no EC2 permission outside the gated statements');
});

test('with it on: the function runs in the subnets and security groups, and waits for the endpoints', () => {
  const lambda = find(configuration, 'aws_lambda_function', 'processor').body;
  const content = lambda.dynamic.vpc_config[0].content[0];
  assert.equal(content.subnet_ids, '${local.function_subnet_ids}');
  assert.equal(content.security_group_ids, '${values(local.function_security_groups)}');
  assert.equal(local('function_subnet_ids'), '${var.create_vpc ? [for subnet in aws_subnet.private : subnet.id] : var.vpc_subnet_ids}');
  assert.ok(lambda.depends_on.includes('${aws_vpc_endpoint.service}'));
});

test('an interface endpoint with private DNS for every service the function calls, in the function subnets', () => {
  assert.deepEqual(local('vpc_endpoint_services'), ['events', 'xray']);
  const endpoint = find(configuration, 'aws_vpc_endpoint', 'service').body;
  assert.equal(endpoint.for_each, '${local.vpc_endpoints}');
  assert.equal(endpoint.vpc_endpoint_type, 'Interface');
  assert.equal(endpoint.private_dns_enabled, true);
  assert.equal(endpoint.subnet_ids, '${local.function_subnet_ids}');
  assert.deepEqual(endpoint.security_group_ids, ['${aws_security_group.vpc_endpoints["stack"].id}']);
  assert.equal(endpoint.service_name, '${data.aws_vpc_endpoint_service.this[each.key].service_name}');
  assert.equal(endpoint.policy, '${local.vpc_endpoint_policies[each.key]}');
  const service = find(configuration, 'aws_vpc_endpoint_service', 'this', 'data').body;
  assert.deepEqual([service.service, service.service_type], ['${each.key}', 'Interface']);
  // One policy per service, no more, no fewer.
  const policies = local('vpc_endpoint_policies');
  const named = [...policies.matchAll(/data\.aws_iam_policy_document\.(\w+)_endpoint/g)].map(m => m[1]).sort();
  assert.deepEqual(named, local('vpc_endpoint_services'));
  // Private DNS needs DNS support and hostnames in the VPC: on in the created one, required of yours.
  const vpc = find(configuration, 'aws_vpc', 'stack').body;
  assert.deepEqual([vpc.enable_dns_support, vpc.enable_dns_hostnames], [true, true]);
  const existing = find(configuration, 'aws_vpc', 'existing', 'data').body;
  assert.equal(existing.lifecycle[0].postcondition[0].condition, '${self.enable_dns_support && self.enable_dns_hostnames}');
});

test('endpoint policies: the stack\'s role only, PutEvents on this stack\'s bus, X-Ray\'s two put actions', () => {
  const only = (name) => {
    const statements = allStatements(find(configuration, 'aws_iam_policy_document', name, 'data').body);
    assert.equal(statements.length, 1, name);
    const [statement] = statements;
    assert.equal(statement.effect ?? 'Allow', 'Allow');
    assert.deepEqual(statement.principals, [{ type: 'AWS', identifiers: ['${aws_iam_role.processor.arn}'] }], name);
    assert.equal(statement.condition, undefined);
    return statement;
  };
  const events = only('events_endpoint');
  assert.deepEqual(events.actions, ['events:PutEvents']);
  assert.deepEqual(events.resources, ['${aws_cloudwatch_event_bus.transactions.arn}']);
  const xray = only('xray_endpoint');
  assert.deepEqual(xray.actions, ['xray:PutTraceSegments', 'xray:PutTelemetryRecords']);
  assert.deepEqual(xray.resources, ['*']);
  // The role's own grants are the same calls: the endpoint lets through no more than the role may do.
  const role = find(configuration, 'aws_iam_policy_document', 'processor', 'data').body.statement;
  assert.deepEqual(role.find(s => s.sid === 'PublishTransactionEvents').actions, events.actions);
  assert.deepEqual(role.find(s => s.sid === 'SendTraces').actions, xray.actions);
});

const https = (rule) => [rule.ip_protocol, rule.from_port, rule.to_port];

test('security groups: the endpoints admit HTTPS from the function\'s groups only; the stack\'s function group sends HTTPS to the endpoints only', () => {
  const groups = configuration.resources.filter(r => r.type === 'aws_security_group');
  assert.deepEqual(groups.map(g => g.name).sort(), ['function', 'vpc_endpoints']);
  for (const group of groups) {
    assert.equal(group.body.ingress, undefined, `${group.name}: no inline rules`);
    assert.equal(group.body.egress, undefined, `${group.name}: no inline rules (Terraform removes AWS's default allow-all egress)`);
  }
  const ingress = configuration.resources.filter(r => r.type === 'aws_vpc_security_group_ingress_rule');
  assert.deepEqual(ingress.map(r => r.name), ['endpoints_from_function']);
  const admit = ingress[0].body;
  assert.equal(admit.for_each, '${local.in_vpc ? local.function_security_groups : {}}');
  assert.equal(admit.security_group_id, '${aws_security_group.vpc_endpoints["stack"].id}');
  assert.equal(admit.referenced_security_group_id, '${each.value}');
  assert.deepEqual(https(admit), ['tcp', 443, 443]);
  const egress = configuration.resources.filter(r => r.type === 'aws_vpc_security_group_egress_rule');
  assert.deepEqual(egress.map(r => r.name), ['function_to_endpoints']);
  const out = egress[0].body;
  assert.equal(out.security_group_id, '${aws_security_group.function["stack"].id}');
  assert.equal(out.referenced_security_group_id, '${aws_security_group.vpc_endpoints["stack"].id}');
  assert.deepEqual(https(out), ['tcp', 443, 443]);
  for (const rule of [...ingress, ...egress]) {
    for (const key of ['cidr_ipv4', 'cidr_ipv6', 'prefix_list_id']) assert.equal(rule.body[key], undefined, `${rule.name}.${key}`);
  }
  // The function's groups: the stack's own (keyed "stack") and yours (by id), keys known at plan time.
  assert.match(local('function_security_groups'), /for key, group in aws_security_group\.function : key => group\.id/);
  assert.match(local('function_security_groups'), /for id in var\.vpc_security_group_ids : id => id/);
  // The created VPC's default group is taken over with no rules at all.
  const defaultGroup = find(configuration, 'aws_default_security_group', 'stack').body;
  assert.deepEqual(Object.keys(defaultGroup).sort(), ['for_each', 'vpc_id']);
});

test('the created VPC has no route to the internet: no gateway, NAT, route or public address, and no 0.0.0.0/0 anywhere', () => {
  const forbidden = ['aws_internet_gateway', 'aws_egress_only_internet_gateway', 'aws_nat_gateway', 'aws_route', 'aws_route_table',
    'aws_default_route_table', 'aws_eip', 'aws_vpn_gateway', 'aws_vpc_peering_connection', 'aws_ec2_transit_gateway_vpc_attachment'];
  assert.deepEqual(configuration.resources.filter(r => forbidden.includes(r.type)).map(r => `${r.type}.${r.name}`), []);
  const everything = JSON.stringify([...configuration.files.values()]);
  assert.doesNotMatch(everything, /0\.0\.0\.0\/0|::\/0/);
  const subnet = find(configuration, 'aws_subnet', 'private').body;
  assert.equal(subnet.map_public_ip_on_launch, false);
  assert.equal(subnet.assign_ipv6_address_on_creation, undefined);
  assert.equal(subnet.for_each, '${local.private_subnet_cidrs}');
  assert.equal(find(configuration, 'aws_vpc', 'stack').body.assign_generated_ipv6_cidr_block, undefined);
});

test('the execution role: AWSLambdaVPCAccessExecutionRole\'s EC2 actions, "*" only for the two Describe actions', () => {
  const statements = find(configuration, 'aws_iam_policy_document', 'processor', 'data').body.dynamic.statement.map(d => d.content[0]);
  const bySid = Object.fromEntries(statements.map(s => [s.sid, s]));
  // https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AWSLambdaVPCAccessExecutionRole.html (v3)
  assert.deepEqual(statements.flatMap(s => s.actions).sort(), [
    'ec2:AssignPrivateIpAddresses', 'ec2:CreateNetworkInterface', 'ec2:DeleteNetworkInterface', 'ec2:DescribeNetworkInterfaces',
    'ec2:DescribeSubnets', 'ec2:UnassignPrivateIpAddresses',
  ]);
  assert.deepEqual(bySid.DescribeNetworkInterfacesAndSubnets.resources, ['*']);
  const create = bySid.CreateNetworkInterfacesInTheFunctionSubnets;
  assert.equal(create.resources.replace(/\s+/g, ' ').replace(', )', ')').replace('( ', '('), '${concat(["arn:${local.partition}:ec2:${local.region}:${local.account_id}:network-interface/*"], local.function_subnet_arns, local.function_security_group_arns)}');
  const manage = bySid.ManageNetworkInterfacesInTheFunctionSubnets;
  assert.deepEqual(manage.resources, ['arn:${local.partition}:ec2:${local.region}:${local.account_id}:network-interface/*']);
  assert.deepEqual(manage.condition, [{ test: 'ArnEquals', variable: 'ec2:Subnet', values: '${local.function_subnet_arns}' }]);
  assert.match(local('function_subnet_arns'), /:subnet\/\$\{id\}"/);
  assert.match(local('function_security_group_arns'), /:security-group\/\$\{id\}"/);
});

test('your VPC: both variables or neither, not with create_vpc, subnets in one VPC and distinct zones, checked at plan time', () => {
  const output = configuration.outputs.get('function_vpc_id').body;
  const conditions = output.precondition.map(p => p.condition);
  assert.ok(conditions.includes('${(length(var.vpc_subnet_ids) == 0) == (length(var.vpc_security_group_ids) == 0)}'));
  assert.ok(conditions.includes('${!(var.create_vpc && local.use_existing_vpc)}'));
  const vpc = find(configuration, 'aws_vpc', 'existing', 'data').body.lifecycle[0];
  assert.match(vpc.precondition[0].condition, /distinct\(\[for subnet in data\.aws_subnet\.existing : subnet\.vpc_id\]\)\) == 1/);
  assert.match(vpc.precondition[1].condition, /subnet\.availability_zone\]\)\) == length\(var\.vpc_subnet_ids\)/);
  assert.match(variable('vpc_subnet_ids').validation[0].condition, /length\(var\.vpc_subnet_ids\) >= 2/);
  assert.match(variable('vpc_security_group_ids').validation[0].condition, /length\(var\.vpc_security_group_ids\) <= 5/);
  assert.match(variable('vpc_availability_zone_count').validation[0].condition, /var\.vpc_availability_zone_count >= 2/);
});
